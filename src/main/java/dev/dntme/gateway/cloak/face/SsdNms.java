package dev.dntme.gateway.cloak.face;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** face-api's greedy non-max suppression ({@code ssdMobilenetv1/nonMaxSuppression.ts}). */
final class SsdNms {

    private SsdNms() {}

    /**
     * @param boxes  {@code [ymin, xmin, ymax, xmax]} per box, flat
     * @param scores one per box
     * @return indices of kept boxes, best score first
     */
    static List<Integer> select(float[] boxes, float[] scores, int maxResults, float iouThreshold, float minScore) {
        int n = scores.length;
        int limit = Math.min(maxResults, n);
        int[] candidates = IntStream.range(0, n)
                .filter(i -> scores[i] > minScore)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed())
                .mapToInt(Integer::intValue)
                .toArray();
        List<Integer> selected = new ArrayList<>();
        for (int c : candidates) {
            if (selected.size() >= limit) {
                break;
            }
            boolean suppressed = false;
            for (int j = selected.size() - 1; j >= 0 && !suppressed; j--) {
                suppressed = iou(boxes, c, selected.get(j)) > iouThreshold;
            }
            if (!suppressed) {
                selected.add(c);
            }
        }
        return selected;
    }

    static float iou(float[] b, int i, int j) {
        int p = i * 4, q = j * 4;
        float yminI = Math.min(b[p], b[p + 2]), xminI = Math.min(b[p + 1], b[p + 3]);
        float ymaxI = Math.max(b[p], b[p + 2]), xmaxI = Math.max(b[p + 1], b[p + 3]);
        float yminJ = Math.min(b[q], b[q + 2]), xminJ = Math.min(b[q + 1], b[q + 3]);
        float ymaxJ = Math.max(b[q], b[q + 2]), xmaxJ = Math.max(b[q + 1], b[q + 3]);
        float areaI = (ymaxI - yminI) * (xmaxI - xminI);
        float areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
        if (areaI <= 0 || areaJ <= 0) {
            return 0f;
        }
        float ih = Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0f);
        float iw = Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0f);
        float inter = ih * iw;
        return inter / (areaI + areaJ - inter);
    }
}
