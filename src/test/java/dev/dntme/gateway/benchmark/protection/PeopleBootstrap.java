package dev.dntme.gateway.benchmark.protection;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A pooled rate (hits / total over everyone's pairs) with a 95% percentile interval from resampling PEOPLE with
 * replacement: pairs of one person are not independent (people with 5 photos give 4 pairs each), so the
 * person, not the pair, is the unit that is drawn. A person with more pairs weighs more, as in the data.
 */
public final class PeopleBootstrap {

    /** One person's pairs: {@code hits} of {@code total} had the outcome counted. */
    public record PersonCount(String person, int hits, int total) {

        public PersonCount {
            if (hits < 0 || hits > total) {
                throw new IllegalArgumentException(person + ": " + hits + " of " + total);
            }
        }
    }

    /** A rate and its 95% interval; NaN when there are no pairs. */
    public record Rate(int hits, int total, double value, double low, double high) {

        public String percent() {
            if (total == 0) {
                return "n/a";
            }
            return String.format(java.util.Locale.ROOT, "%.1f%% [%.1f, %.1f] (%d/%d)", 100 * value, 100 * low, 100 * high, hits, total);
        }
    }

    private final int draws;
    private final long seed;

    public PeopleBootstrap(int draws, long seed) {
        if (draws < 10) {
            throw new IllegalArgumentException("draws " + draws);
        }
        this.draws = draws;
        this.seed = seed;
    }

    public Rate rate(List<PersonCount> people) {
        int hits = people.stream().mapToInt(PersonCount::hits).sum();
        int total = people.stream().mapToInt(PersonCount::total).sum();
        if (total == 0) {
            return new Rate(0, 0, Double.NaN, Double.NaN, Double.NaN);
        }
        int n = people.size();
        int[] h = people.stream().mapToInt(PersonCount::hits).toArray();
        int[] t = people.stream().mapToInt(PersonCount::total).toArray();
        Random random = new Random(seed);
        double[] values = new double[draws];
        int kept = 0;
        for (int d = 0; d < draws; d++) {
            long sh = 0, st = 0;
            for (int i = 0; i < n; i++) {
                int k = random.nextInt(n);
                sh += h[k];
                st += t[k];
            }
            if (st > 0) {
                values[kept++] = sh / (double) st;
            }
        }
        double[] v = Arrays.copyOf(values, kept);
        Arrays.sort(v);
        double low = v[(int) Math.floor(0.025 * (kept - 1))];
        double high = v[(int) Math.ceil(0.975 * (kept - 1))];
        return new Rate(hits, total, hits / (double) total, low, high);
    }
}
