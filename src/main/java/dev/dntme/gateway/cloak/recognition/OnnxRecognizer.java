package dev.dntme.gateway.cloak.recognition;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.ChipResampling;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import dev.dntme.gateway.cloak.nets.Rows;
import dev.dntme.gateway.cloak.nets.onnx.OnnxGraph;
import dev.dntme.gateway.cloak.nets.surrogates.FivePointCrop;
import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;

/**
 * An ONNX recogniser trained on ArcFace-style five-point crops (EdgeFace, InsightFace MobileFaceNet, Intel
 * reid-0095, or a platform's own): it reads the shared ArcFace chip and cuts its own input window from it, so
 * every such model shares one crop, one warp and one set of EOT draws. The window is where the model's template
 * lands in the ArcFace 112 template (a per-axis scale and offset: reid-0095's 96x112 crop stretched to 128x128 is
 * one), resampled by area. Embeddings are L2-normalised; distances are Euclidean between unit vectors
 * ({@code sqrt(2 - 2 cos)}, 0..2), so the model's cosine threshold {@code t} becomes {@code sqrt(2 t)}.
 */
final class OnnxRecognizer implements Recognizer {

    private static final int S = FaceRecognitionNet.CHIP_SIZE;
    private static final double ARCFACE_SIDE = 112;

    private final RecognizerDescriptor descriptor;
    private final SurrogateModel spec;
    private final OnnxGraph graph;
    private final NDManager manager;
    private final NDArray rowsT; // [150, height]
    private final NDArray colsT; // [150, width]

    static OnnxRecognizer load(RecognizerDescriptor d, NDManager parent) {
        if (!d.crop().equals(Crop.ARCFACE_112)) {
            throw new IllegalArgumentException(d.name() + ": an ONNX recogniser reads its window of the ArcFace chip");
        }
        return new OnnxRecognizer(d, spec(d), parent);
    }

    /** The ONNX loader's settings (its graph is loaded with the descriptor's SHA-256 of the file). */
    static SurrogateModel spec(RecognizerDescriptor d) {
        RecognizerDescriptor.Input in = d.input();
        return new SurrogateModel(d.name(), d.location(), d.locationSha256(), in.width(), in.height(),
                SurrogateModel.ColourOrder.valueOf(in.colourOrder().name()), in.mean(), in.std(), in.template(),
                in.embeddingSize(), d.threshold());
    }

    private OnnxRecognizer(RecognizerDescriptor descriptor, SurrogateModel spec, NDManager parent) {
        this.descriptor = descriptor;
        this.spec = spec;
        this.manager = parent.newSubManager();
        try {
            this.graph = spec.load(manager);
            double[] x = axisFit(spec.template(), 0);
            double[] y = axisFit(spec.template(), 1);
            double k = S / ARCFACE_SIDE; // ArcFace 112 edge coordinates to chip edge coordinates
            float[] rows = ChipResampling.matrix(y[1] * k, y[0] * spec.height() * k, spec.height());
            float[] cols = ChipResampling.matrix(x[1] * k, x[0] * spec.width() * k, spec.width());
            this.rowsT = manager.create(rows, new Shape(spec.height(), S)).transpose(1, 0);
            this.colsT = manager.create(cols, new Shape(spec.width(), S)).transpose(1, 0);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Least-squares {@code (scale, offset)} with {@code arcface = scale * model + offset} on one axis of the five
     * template points; the model's template must be the ArcFace one up to such a per-axis map.
     */
    static double[] axisFit(double[][] template, int axis) {
        double mx = 0, my = 0;
        for (int i = 0; i < 5; i++) {
            mx += template[i][axis] / 5;
            my += FivePointCrop.ARCFACE_112[i][axis] / 5;
        }
        double sxy = 0, sxx = 0;
        for (int i = 0; i < 5; i++) {
            sxy += (template[i][axis] - mx) * (FivePointCrop.ARCFACE_112[i][axis] - my);
            sxx += (template[i][axis] - mx) * (template[i][axis] - mx);
        }
        double scale = sxy / sxx;
        double worst = 0;
        for (int i = 0; i < 5; i++) {
            worst = Math.max(worst, Math.abs(scale * template[i][axis] + my - scale * mx - FivePointCrop.ARCFACE_112[i][axis]));
        }
        if (worst > 1.0) {
            throw new IllegalArgumentException("the template is not the ArcFace one up to a per-axis scale and offset (off by "
                    + worst + " px)");
        }
        return new double[] {scale, my - scale * mx};
    }

    @Override
    public RecognizerDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NDArray forward(NDArray chips) {
        // (R . chip . Ct) with the chip as the receiver, so every array lands in the chip's manager
        NDArray x = chips.matMul(colsT).transpose(0, 1, 3, 2).matMul(rowsT).transpose(0, 1, 3, 2); // [N,3,h,w]
        NDArray e = graph.forward(spec.toInput(x));
        NDArray norm = e.square().sum(new int[] {1}, true).add(1e-12f).sqrt();
        return e.div(norm);
    }

    @Override
    public NDList forward(NDArray chips, String featureNode) {
        throw new IllegalArgumentException(name() + " has no feature term");
    }

    @Override
    public float[][] describe(float[]... chips) {
        try (NDManager pass = manager.newSubManager()) {
            NDArray batch = pass.create(Rows.stack(chips), new Shape(chips.length, 3, S, S));
            return Rows.split(forward(batch).toFloatArray(), chips.length);
        }
    }

    @Override
    public float[][] features(String node, float[]... chips) {
        throw new IllegalArgumentException(name() + " has no feature term");
    }

    @Override
    public double distance(float[] a, float[] b) {
        return Math.sqrt(Math.max(0, 2 * SurrogateModel.distance(a, b)));
    }

    @Override
    public double threshold() {
        return Math.sqrt(2 * spec.threshold());
    }

    @Override
    public void close() {
        graph.close();
        manager.close();
    }
}
