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

    /**
     * The mean of several models' pooled rates (e.g. the unmatched rate over the held-out scrapers), with a 95%
     * interval from the same people draws as {@link #rate} (same seed, same people in the same order): each draw
     * takes one sample of people and averages the models' rates on it. Every list must name the same people in
     * the same order. {@code hits} and {@code total} are summed over the models; {@code value} is the mean of
     * the models' rates (a model without pairs is left out of the mean).
     */
    public Rate meanRate(List<List<PersonCount>> models) {
        if (models.isEmpty()) {
            return new Rate(0, 0, Double.NaN, Double.NaN, Double.NaN);
        }
        List<PersonCount> first = models.get(0);
        int n = first.size();
        int m = models.size();
        int[][] h = new int[m][n], t = new int[m][n];
        int hits = 0, total = 0;
        double sum = 0;
        int withPairs = 0;
        for (int j = 0; j < m; j++) {
            List<PersonCount> c = models.get(j);
            if (c.size() != n) {
                throw new IllegalArgumentException("model " + j + " has " + c.size() + " people, the first " + n);
            }
            int mh = 0, mt = 0;
            for (int i = 0; i < n; i++) {
                if (!c.get(i).person().equals(first.get(i).person())) {
                    throw new IllegalArgumentException("people differ at " + i + ": " + c.get(i).person() + " / " + first.get(i).person());
                }
                h[j][i] = c.get(i).hits();
                t[j][i] = c.get(i).total();
                mh += h[j][i];
                mt += t[j][i];
            }
            hits += mh;
            total += mt;
            if (mt > 0) {
                sum += mh / (double) mt;
                withPairs++;
            }
        }
        if (withPairs == 0) {
            return new Rate(0, 0, Double.NaN, Double.NaN, Double.NaN);
        }
        Random random = new Random(seed);
        double[] values = new double[draws];
        int kept = 0;
        int[] drawn = new int[n];
        for (int d = 0; d < draws; d++) {
            for (int i = 0; i < n; i++) {
                drawn[i] = random.nextInt(n);
            }
            double s = 0;
            int counted = 0;
            for (int j = 0; j < m; j++) {
                long sh = 0, st = 0;
                for (int k : drawn) {
                    sh += h[j][k];
                    st += t[j][k];
                }
                if (st > 0) {
                    s += sh / (double) st;
                    counted++;
                }
            }
            if (counted > 0) {
                values[kept++] = s / counted;
            }
        }
        double[] v = Arrays.copyOf(values, kept);
        Arrays.sort(v);
        return new Rate(hits, total, sum / withPairs, v[(int) Math.floor(0.025 * (kept - 1))], v[(int) Math.ceil(0.975 * (kept - 1))]);
    }
}
