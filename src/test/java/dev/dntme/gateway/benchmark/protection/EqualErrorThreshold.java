package dev.dntme.gateway.benchmark.protection;

import java.util.Arrays;
import java.util.List;

/**
 * A model's match threshold at its equal-error point on clean labelled pairs: "same person" when
 * {@code distance < threshold}; the threshold where the false-reject rate (same-person pairs at or over it)
 * and the false-accept rate (different-person pairs under it) are closest. When the two sets separate, the
 * threshold is the middle of the gap and the equal-error rate is 0.
 *
 * @param threshold    the threshold
 * @param eer          the mean of the two error rates there
 * @param falseReject  same-person pairs at or over the threshold, share
 * @param falseAccept  different-person pairs under it, share
 * @param samePairs    same-person pairs it was computed on
 * @param differentPairs different-person pairs it was computed on
 */
public record EqualErrorThreshold(double threshold, double eer, double falseReject, double falseAccept, int samePairs,
        int differentPairs) {

    public static EqualErrorThreshold of(List<Double> same, List<Double> different) {
        if (same.isEmpty() || different.isEmpty()) {
            throw new IllegalArgumentException("need same-person and different-person distances, got "
                    + same.size() + " and " + different.size());
        }
        double[] s = same.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] d = different.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (s[s.length - 1] < d[0]) {
            return new EqualErrorThreshold((s[s.length - 1] + d[0]) / 2, 0, 0, 0, s.length, d.length);
        }
        double[] candidates = new double[2 * (s.length + d.length)];
        int n = 0;
        for (double[] values : new double[][] {s, d}) {
            for (double v : values) {
                candidates[n++] = v;
                candidates[n++] = Math.nextUp(v);
            }
        }
        Arrays.sort(candidates);
        double bestGap = Double.MAX_VALUE, bestT = Double.NaN, bestFrr = Double.NaN, bestFar = Double.NaN;
        for (double t : candidates) {
            double frr = (s.length - below(s, t)) / (double) s.length;
            double far = below(d, t) / (double) d.length;
            if (Math.abs(frr - far) < bestGap) {
                bestGap = Math.abs(frr - far);
                bestT = t;
                bestFrr = frr;
                bestFar = far;
            }
        }
        return new EqualErrorThreshold(bestT, (bestFrr + bestFar) / 2, bestFrr, bestFar, s.length, d.length);
    }

    /** Values of the sorted array strictly under {@code t}. */
    private static int below(double[] sorted, double t) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    public boolean matches(double distance) {
        return distance < threshold;
    }
}
