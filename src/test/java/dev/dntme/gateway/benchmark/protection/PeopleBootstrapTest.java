package dev.dntme.gateway.benchmark.protection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.benchmark.protection.PeopleBootstrap.PersonCount;
import dev.dntme.gateway.benchmark.protection.PeopleBootstrap.Rate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeopleBootstrapTest {

    private static List<PersonCount> mixed(long seed) {
        Random r = new Random(seed);
        List<PersonCount> people = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int total = 1 + r.nextInt(4);
            people.add(new PersonCount("p" + i, r.nextInt(total + 1), total));
        }
        return people;
    }

    @Test
    void theIntervalContainsThePointEstimate() {
        for (long seed = 1; seed <= 20; seed++) {
            Rate rate = new PeopleBootstrap(1000, 7).rate(mixed(seed));
            assertThat(rate.low()).isLessThanOrEqualTo(rate.value());
            assertThat(rate.high()).isGreaterThanOrEqualTo(rate.value());
            assertThat(rate.high()).isGreaterThan(rate.low());
        }
    }

    @Test
    void theSameSeedGivesTheSameIntervalAndAnotherSeedAnother() {
        List<PersonCount> people = mixed(3);
        Rate a = new PeopleBootstrap(1000, 42).rate(people);
        Rate b = new PeopleBootstrap(1000, 42).rate(people);
        Rate c = new PeopleBootstrap(1000, 43).rate(people);
        assertThat(b).isEqualTo(a);
        assertThat(c.value()).isEqualTo(a.value());
        assertThat(List.of(c.low(), c.high())).isNotEqualTo(List.of(a.low(), a.high()));
    }

    @Test
    void peopleWithManyPairsWeighAsInTheDataNotAsOneVoteEach() {
        // 50 people with 4 pairs, all unmatched; 50 with 1 pair, matched: 200 of 250 pairs = 80%, not the 50% of a mean of people
        List<PersonCount> people = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            people.add(new PersonCount("many" + i, 4, 4));
            people.add(new PersonCount("one" + i, 0, 1));
        }
        Rate rate = new PeopleBootstrap(2000, 1).rate(people);
        assertThat(rate.value()).isEqualTo(0.8);
        assertThat(rate.hits()).isEqualTo(200);
        assertThat(rate.total()).isEqualTo(250);
        assertThat(rate.low()).isGreaterThan(0.7);
        assertThat(rate.high()).isLessThan(0.9);
    }

    @Test
    void resamplingPeopleGivesAWiderIntervalThanTheirPairsWouldIfTheyWereIndependent() {
        // 20 people, 5 pairs each, all-or-nothing per person (pairs of one person move together)
        List<PersonCount> people = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            people.add(new PersonCount("p" + i, i % 2 == 0 ? 5 : 0, 5));
        }
        Rate rate = new PeopleBootstrap(2000, 5).rate(people);
        double binomialHalfWidth = 1.96 * Math.sqrt(0.5 * 0.5 / 100); // 100 independent pairs: +-9.8 points
        assertThat((rate.high() - rate.low()) / 2).isGreaterThan(1.5 * binomialHalfWidth);
    }

    @Test
    void noPairsGiveNoRate() {
        Rate rate = new PeopleBootstrap(100, 1).rate(List.of(new PersonCount("a", 0, 0)));
        assertThat(rate.value()).isNaN();
        assertThat(rate.percent()).isEqualTo("n/a");
    }

    @Test
    void theMeanOfOneModelIsThatModelsRateWithTheSameInterval() {
        PeopleBootstrap b = new PeopleBootstrap(1000, 7);
        Rate one = b.rate(mixed(3));
        Rate mean = b.meanRate(List.of(mixed(3)));
        assertThat(mean.value()).isEqualTo(one.value());
        assertThat(mean.low()).isEqualTo(one.low());
        assertThat(mean.high()).isEqualTo(one.high());
    }

    @Test
    void theMeanAveragesTheModelsRatesNotTheirPairs() {
        List<PersonCount> all = List.of(new PersonCount("a", 4, 4), new PersonCount("b", 4, 4));
        List<PersonCount> few = List.of(new PersonCount("a", 0, 1), new PersonCount("b", 0, 1));
        Rate mean = new PeopleBootstrap(200, 1).meanRate(List.of(all, few));
        assertThat(mean.value()).isEqualTo(0.5);
        assertThat(mean.hits()).isEqualTo(8);
        assertThat(mean.total()).isEqualTo(10);
        assertThat(mean.low()).isEqualTo(0.5);
        assertThat(mean.high()).isEqualTo(0.5);
    }

    @Test
    void theMeanNeedsTheSamePeopleInTheSameOrder() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PeopleBootstrap(100, 1).meanRate(List.of(
                List.of(new PersonCount("a", 0, 1)), List.of(new PersonCount("b", 0, 1))))).isInstanceOf(IllegalArgumentException.class);
    }
}
