package dev.dntme.gateway.benchmark.protection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.benchmark.protection.PeopleBootstrap.PersonCount;
import dev.dntme.gateway.benchmark.protection.ProtectionRates.PairDistance;
import dev.dntme.gateway.benchmark.protection.ProtectionRates.ProbeOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtectionRatesTest {

    private static final EqualErrorThreshold T = new EqualErrorThreshold(0.6, 0, 0, 0, 1, 1);
    private static final double NO_FACE = Double.NaN;

    private static final List<ProbeOutcome> PROBES = List.of(
            // ann: two pairs, one pushed past the threshold, one still matched; still matches her own original
            new ProbeOutcome("ann", "ann/1.jpg", false, true, true, 0.5,
                    List.of(new PairDistance("ann/2.jpg", 0.4, 0.7), new PairDistance("ann/3.jpg", 0.4, 0.59))),
            // bob: the scraper finds no face on the published photo: both pairs unmatched, and counted as not found
            new ProbeOutcome("bob", "bob/1.jpg", false, true, false, NO_FACE,
                    List.of(new PairDistance("bob/2.jpg", 0.3, NO_FACE), new PairDistance("bob/3.jpg", 0.65, NO_FACE))),
            // cid: failed closed: nothing published, in no rate
            new ProbeOutcome("cid", "cid/1.jpg", true, true, false, NO_FACE, List.of(new PairDistance("cid/2.jpg", 0.3, NO_FACE))),
            // dee: no face on her clean probe: the clean pair is unmatched, and she has no self-match to count
            new ProbeOutcome("dee", "dee/1.jpg", false, false, true, NO_FACE, List.of(new PairDistance("dee/2.jpg", NO_FACE, 0.2))));

    @Test
    void aPairIsUnmatchedAtOrOverTheThresholdOrWhenThePublishedFaceIsNotFound() {
        assertThat(ProtectionRates.unmatchedPublished(PROBES, T)).containsExactly(
                new PersonCount("ann", 1, 2), new PersonCount("bob", 2, 2), new PersonCount("dee", 0, 1));
    }

    @Test
    void theCleanBaselineJudgesTheSamePairsBeforeCloaking() {
        assertThat(ProtectionRates.unmatchedClean(PROBES, T)).containsExactly(
                new PersonCount("ann", 0, 2), new PersonCount("bob", 1, 2), new PersonCount("dee", 1, 1));
    }

    @Test
    void publishedFacesTheScraperCannotFindAreCountedOnTheirOwnToo() {
        assertThat(ProtectionRates.undetectedPublished(PROBES)).containsExactly(
                new PersonCount("ann", 0, 2), new PersonCount("bob", 2, 2), new PersonCount("dee", 0, 1));
    }

    @Test
    void selfMatchCountsProbesWhosePublishedFaceStillMatchesItsOwnOriginal() {
        assertThat(ProtectionRates.selfMatched(PROBES, T)).containsExactly(
                new PersonCount("ann", 1, 1), new PersonCount("bob", 0, 1), new PersonCount("dee", 0, 0));
    }

    @Test
    void probesThatFailedClosedAreInNoRate() {
        assertThat(ProtectionRates.unmatchedPublished(PROBES, T)).extracting(PersonCount::person).doesNotContain("cid");
        assertThat(ProtectionRates.selfMatched(PROBES, T)).extracting(PersonCount::person).doesNotContain("cid");
    }
}
