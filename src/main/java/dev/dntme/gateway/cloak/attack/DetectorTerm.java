package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.face.FaceDetector;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The cloak's optional first-stage term: a scraper must detect a face before it can recognise it, so the
 * perturbation can also push down the SSD detector's face scores (issue 7).
 *
 * <p>The detector sees the whole photo padded to a square and resized to 512, as {@link FaceDetector} does.
 * Only the face regions change, and the resize is linear, so the net's input is the clean input plus each
 * region's perturbation resized by two fixed matrices (the tf legacy bilinear weights restricted to the
 * region): exact for the 8-bit-free, JPEG-free image, and differentiable back to the perturbation grid.
 *
 * <p>Loss per photo: {@code sum_i relu(logit_i - MARGIN)} over the anchors whose prior box centre lies in
 * a cloaked face's box (widened by a quarter on each side), the face logits of the anchors that can report
 * that face. Zero once every such anchor scores under {@code sigmoid(MARGIN)}, well under the 0.5 a
 * scraper's default threshold needs; anchors far from the faces are left alone (they cannot report them).
 */
public final class DetectorTerm {

    /** Logit a face's anchors must get under: score 0.27. */
    static final float MARGIN = -1f;
    /** A published face counts as still detected when a detection above this score overlaps its box by this IoU. */
    static final float DETECTED_SCORE = FaceDetector.DEFAULT_MIN_CONFIDENCE;
    public static final double DETECTED_IOU = 0.3;

    private static final int N = FaceDetector.INPUT_SIZE;

    private final FaceDetector detector;
    private final float[] priors;
    private final float margin;

    public DetectorTerm(FaceDetector detector) {
        this(detector, MARGIN);
    }

    /** @param margin logit every face anchor is pushed under (the term is zero once they all are) */
    public DetectorTerm(FaceDetector detector, float margin) {
        this.detector = detector;
        this.priors = detector.priors();
        this.margin = margin;
    }

    /** One photo's fixed parts: its clean input, and how each face region lands on the 512 input. */
    final class Photo {
        final float[] clean;
        final long[] anchors;
        final List<Placement> placements;
        /** Straight-through estimate of 8 bits + JPEG: the real published input minus the modelled one; null until set. */
        float[] correction;

        private Photo(float[] clean, long[] anchors, List<Placement> placements) {
            this.clean = clean;
            this.anchors = anchors;
            this.placements = placements;
        }
    }

    /** Rows {@code v0..v1} x columns {@code u0..u1} of the 512 input that a region reaches, with the weights. */
    record Placement(int v0, int v1, int u0, int u1, float[] rows, float[] cols, int h, int w) {}

    /**
     * @param regions the perturbed region of each face (ChipWarp.region)
     * @param boxes   each face's detection box
     */
    Photo prepare(BufferedImage image, List<Rectangle> regions, List<? extends Rectangle2D> boxes) {
        int side = Math.max(image.getWidth(), image.getHeight());
        List<Placement> placements = new ArrayList<>();
        for (Rectangle r : regions) {
            int[] vr = reach(r.y, r.height, side);
            int[] ur = reach(r.x, r.width, side);
            float[] rows = weights(r.y, r.height, side, vr[0], vr[1]); // [rows, H]
            float[] colsT = weights(r.x, r.width, side, ur[0], ur[1]); // [cols, W]
            int cols = ur[1] - ur[0];
            float[] colsM = new float[r.width * cols]; // [W, cols]
            for (int u = 0; u < cols; u++) {
                for (int x = 0; x < r.width; x++) {
                    colsM[x * cols + u] = colsT[u * r.width + x];
                }
            }
            placements.add(new Placement(vr[0], vr[1], ur[0], ur[1], rows, colsM, r.height, r.width));
        }
        List<Long> picked = new ArrayList<>();
        for (int a = 0; a < priors.length / 4; a++) {
            double cy = (priors[4 * a] + priors[4 * a + 2]) / 2 * side;
            double cx = (priors[4 * a + 1] + priors[4 * a + 3]) / 2 * side;
            for (Rectangle2D b : boxes) {
                double mx = b.getWidth() / 4, my = b.getHeight() / 4;
                if (cx >= b.getMinX() - mx && cx <= b.getMaxX() + mx && cy >= b.getMinY() - my && cy <= b.getMaxY() + my) {
                    picked.add((long) a);
                    break;
                }
            }
        }
        long[] anchors = picked.stream().mapToLong(Long::longValue).toArray();
        return new Photo(FaceDetector.input(image), anchors, placements);
    }

    /**
     * The detector term for the current perturbation.
     *
     * @param deltas per face, the perturbed region minus the clean region, {@code [3,H,W]} in 0..255 units
     *               (the graph back to the grid is kept where it has one)
     */
    NDArray loss(Photo photo, NDArray[] deltas, NDManager m) {
        if (photo.anchors.length == 0) {
            return m.zeros(new Shape());
        }
        NDArray logits = detector.faceLogits(input(photo, deltas, m).expandDims(0));
        NDArray picked = logits.get(m.create(photo.anchors));
        return picked.sub(margin).maximum(0f).sum();
    }

    /** The detector's {@code [3,512,512]} input of the perturbed photo (the graph kept). */
    NDArray input(Photo photo, NDArray[] deltas, NDManager m) {
        NDArray x = m.create(photo.clean, new Shape(3, N, N));
        if (photo.correction != null) {
            x = x.add(m.create(photo.correction, new Shape(3, N, N)));
        }
        for (int f = 0; f < deltas.length; f++) {
            Placement p = photo.placements.get(f);
            NDArray rows = m.create(p.rows, new Shape(p.v1 - p.v0, p.h));
            NDArray cols = m.create(p.cols, new Shape(p.w, p.u1 - p.u0));
            NDArray moved = rows.matMul(deltas[f]).matMul(cols).div(127.5f); // [3, rows, cols]
            // torch pad order: last axis first
            x = x.add(moved.pad(new Shape(p.u0, N - p.u1, p.v0, N - p.v1), 0));
        }
        return x;
    }

    /**
     * Sets the photo's straight-through correction from the image as it would be published now (rounded,
     * encoded, decoded) and the perturbation that produced it: JPEG q90 undoes most of a detector
     * perturbation that the float model alone sees as enough (DetectorSuppressionBenchmark).
     */
    void correct(Photo photo, BufferedImage published, NDArray[] deltas, NDManager m) {
        photo.correction = null;
        float[] model = input(photo, deltas, m).toFloatArray();
        float[] real = FaceDetector.input(published);
        for (int i = 0; i < real.length; i++) {
            real[i] -= model[i];
        }
        photo.correction = real;
    }

    /** Per box, whether the SSD still finds a face overlapping it in the published image. */
    boolean[] detected(BufferedImage published, List<? extends Rectangle2D> boxes) {
        List<FaceDetector.Detection> found = detector.detect(published, DETECTED_SCORE, FaceDetector.DEFAULT_MAX_RESULTS);
        boolean[] out = new boolean[boxes.size()];
        for (int f = 0; f < boxes.size(); f++) {
            for (FaceDetector.Detection d : found) {
                out[f] |= iou(d.box(), boxes.get(f)) >= DETECTED_IOU;
            }
        }
        return out;
    }

    public static double iou(Rectangle2D a, Rectangle2D b) {
        return dev.dntme.gateway.cloak.face.Boxes.iou(a, b);
    }

    /** Output indices [lo, hi) of the 512 input whose legacy-bilinear samples touch canvas pixels start..start+len-1. */
    private static int[] reach(int start, int len, int side) {
        int lo = N, hi = 0;
        double ratio = (double) side / N;
        for (int u = 0; u < N; u++) {
            int a = (int) Math.floor(u * ratio);
            int b = Math.min(a + 1, side - 1);
            if ((a >= start && a < start + len) || (b >= start && b < start + len)) {
                lo = Math.min(lo, u);
                hi = Math.max(hi, u + 1);
            }
        }
        return hi > lo ? new int[] {lo, hi} : new int[] {0, 1};
    }

    /** {@code [hi-lo, len]}: output index u's bilinear weight on canvas pixel start + i, as NnOps.resizeOnSquareCanvas. */
    private static float[] weights(int start, int len, int side, int lo, int hi) {
        float[] m = new float[(hi - lo) * len];
        double ratio = (double) side / N;
        for (int u = lo; u < hi; u++) {
            double s = u * ratio;
            int a = (int) Math.floor(s);
            int b = Math.min(a + 1, side - 1);
            float f = (float) (s - a);
            if (a >= start && a < start + len) {
                m[(u - lo) * len + a - start] += 1 - f;
            }
            if (b >= start && b < start + len) {
                m[(u - lo) * len + b - start] += f;
            }
        }
        return m;
    }
}
