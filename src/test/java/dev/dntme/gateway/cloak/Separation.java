package dev.dntme.gateway.cloak;

import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import java.util.ArrayList;
import java.util.List;

/** Same-person vs different-person distance statistics of a set of labelled embeddings, and the EER threshold. */
public record Separation(int samePairs, int differentPairs, double sameMin, double sameMax, double differentMin,
        double differentMax, double eer, double threshold) {

    public static Separation of(List<String> who, List<float[]> embeddings) {
        List<Double> same = new ArrayList<>();
        List<Double> diff = new ArrayList<>();
        for (int i = 0; i < who.size(); i++) {
            for (int j = i + 1; j < who.size(); j++) {
                double d = FaceRecognitionNet.distance(embeddings.get(i), embeddings.get(j));
                (who.get(i).equals(who.get(j)) ? same : diff).add(d);
            }
        }
        return ofDistances(same, diff);
    }

    /**
     * Equal-error rate over thresholds t (same person when d < t): the t where the false-reject rate
     * (same pairs at or over t) and the false-accept rate (different pairs under t) are closest; when the
     * sets separate, t is the midpoint of the gap and the EER is 0.
     */
    public static Separation ofDistances(List<Double> same, List<Double> diff) {
        double sMin = same.stream().mapToDouble(d -> d).min().orElse(Double.NaN);
        double sMax = same.stream().mapToDouble(d -> d).max().orElse(Double.NaN);
        double dMin = diff.stream().mapToDouble(d -> d).min().orElse(Double.NaN);
        double dMax = diff.stream().mapToDouble(d -> d).max().orElse(Double.NaN);
        if (sMax < dMin) {
            return new Separation(same.size(), diff.size(), sMin, sMax, dMin, dMax, 0, (sMax + dMin) / 2);
        }
        List<Double> candidates = new ArrayList<>(same);
        candidates.addAll(diff);
        double bestGap = Double.MAX_VALUE, bestT = Double.NaN, bestEer = Double.NaN;
        for (double c : candidates) {
            for (double t : new double[] {c, Math.nextUp(c)}) {
                double frr = same.stream().filter(d -> d >= t).count() / (double) same.size();
                double far = diff.stream().filter(d -> d < t).count() / (double) diff.size();
                if (Math.abs(frr - far) < bestGap) {
                    bestGap = Math.abs(frr - far);
                    bestT = t;
                    bestEer = (frr + far) / 2;
                }
            }
        }
        return new Separation(same.size(), diff.size(), sMin, sMax, dMin, dMax, bestEer, bestT);
    }

    @Override
    public String toString() {
        return String.format("same %d pairs %.3f..%.3f | different %d pairs %.3f..%.3f | EER %.1f%% at %.3f",
                samePairs, sameMin, sameMax, differentPairs, differentMin, differentMax, 100 * eer, threshold);
    }
}
