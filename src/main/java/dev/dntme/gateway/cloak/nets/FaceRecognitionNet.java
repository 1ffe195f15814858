package dev.dntme.gateway.cloak.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import java.util.HashMap;
import java.util.Map;

/**
 * dlib's face-recognition ResNet (29 conv layers, 150x150 RGB chip in, 128-d descriptor out) as
 * shipped by face-api, ported op by op from {@code faceRecognitionNet/*.ts} to DJL on PyTorch.
 *
 * <p>Every op is differentiable, so the cloak optimiser back-propagates through {@link #forward}.
 * Weights live in the manager given to {@link #load}; an instance is meant for one worker thread.
 * Two descriptors of the same person are closer than 0.6 (Euclidean), dlib's match threshold.
 */
public final class FaceRecognitionNet implements AutoCloseable {

    /** Chip side the net was trained on. */
    public static final int CHIP_SIZE = 150;
    /** Descriptor length. */
    public static final int DESCRIPTOR_SIZE = 128;

    /**
     * dlib (and face-api.js 0.22.2, whose thresholds everyone quotes) divide by 256; the
     * vladmandic fork divides by 255. 256 keeps distances comparable with dlib's 0.6.
     */
    static final float DLIB_SCALE = 256f;

    private static final float[] MEAN_RGB = {122.782f, 117.001f, 104.298f};
    private static final String[] RESIDUAL_STAGES = {
        "conv32_1", "conv32_2", "conv32_3",
        "conv64_down", "conv64_1", "conv64_2", "conv64_3",
        "conv128_down", "conv128_1", "conv128_2",
        "conv256_down", "conv256_1", "conv256_2", "conv256_down_out"};

    /** Conv with the tfjs scale layer folded in: (conv(x,W)+b)*s+t == conv(x, W*s) + (b*s+t). */
    private record ConvLayer(NDArray weight, NDArray bias) {}

    private final NDManager manager;
    private final Map<String, ConvLayer> layers;
    private final NDArray fc;
    private final NDArray mean;
    private final float scale;

    /** Type the layers compute in; input and output stay float32. */
    private final DataType compute;

    private FaceRecognitionNet(NDManager manager, Map<String, ConvLayer> layers, NDArray fc, NDArray mean, float scale) {
        this(manager, layers, fc, mean, scale, DataType.FLOAT32);
    }

    private FaceRecognitionNet(NDManager manager, Map<String, ConvLayer> layers, NDArray fc, NDArray mean, float scale,
            DataType compute) {
        this.manager = manager;
        this.layers = layers;
        this.fc = fc;
        this.mean = mean;
        this.scale = scale;
        this.compute = compute;
    }

    /**
     * A copy of this net whose layers compute in {@code type} (float16: DJL 0.35's PyTorch binding has no
     * bfloat16). {@link #forward} then takes and returns arrays of that type; DJL's cast is not
     * differentiable, so a caller that needs the gradient with respect to float32 chips casts them itself,
     * back-propagates to the cast copy and chains that gradient on. Its weights live in a sub-manager of
     * this net's, freed by either's {@link #close()}.
     */
    public FaceRecognitionNet withComputeType(DataType type) {
        NDManager m = manager.newSubManager();
        Map<String, ConvLayer> cast = new HashMap<>();
        layers.forEach((k, l) -> cast.put(k, new ConvLayer(castInto(m, l.weight(), type), castInto(m, l.bias(), type))));
        return new FaceRecognitionNet(m, Map.copyOf(cast), castInto(m, fc, type), castInto(m, mean, type), scale, type);
    }

    private static NDArray castInto(NDManager m, NDArray a, DataType type) {
        NDArray c = a.toType(type, true);
        c.attach(m);
        return c;
    }

    /**
     * Loads {@code <directory>/face_recognition_model-weights_manifest.json} from the classpath.
     *
     * @param parent the weights go into a sub-manager of it, closed by {@link #close()}
     */
    public static FaceRecognitionNet load(NDManager parent, String directory) {
        return load(parent, directory, DLIB_SCALE);
    }

    static FaceRecognitionNet load(NDManager parent, String directory, float scale) {
        return load(parent, directory, Pins.NONE, MEAN_RGB, scale, true);
    }

    /**
     * The net as a recogniser's descriptor gives it: its files pinned, its input's per-channel mean and divisor (the
     * descriptor states them so that one record says how the net is fed; dlib's are 122.782, 117.001, 104.298 and 256).
     */
    public static FaceRecognitionNet load(NDManager parent, String directory, Pins pins, float[] meanRgb, float scale) {
        return load(parent, directory, pins, meanRgb, scale, true);
    }

    /**
     * The same net with its conv weights left as the strided views the port first used (see {@link #conv}):
     * the reference that tests and benchmarks compare the contiguous weights against.
     */
    public static FaceRecognitionNet loadAsPorted(NDManager parent, String directory) {
        return load(parent, directory, Pins.NONE, MEAN_RGB, DLIB_SCALE, false);
    }

    private static FaceRecognitionNet load(NDManager parent, String directory, Pins pins, float[] meanRgb, float scale,
            boolean contiguous) {
        TfjsWeights weights = TfjsWeights.load(directory, "face_recognition_model", pins);
        NDManager manager = parent.newSubManager();
        try {
            Map<String, ConvLayer> layers = new HashMap<>();
            layers.put("conv32_down", conv(manager, weights, "conv32_down", contiguous));
            for (String stage : RESIDUAL_STAGES) {
                layers.put(stage + "/conv1", conv(manager, weights, stage + "/conv1", contiguous));
                layers.put(stage + "/conv2", conv(manager, weights, stage + "/conv2", contiguous));
            }
            NDArray fc = weights.nd(manager, "fc");
            NDArray mean = manager.create(meanRgb, new Shape(1, 3, 1, 1));
            return new FaceRecognitionNet(manager, Map.copyOf(layers), fc, mean, scale);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * @param contiguous copy the folded weight into contiguous memory. The transpose is a strided view and mul
     *                   keeps its strides; PyTorch then copies such a weight into contiguous memory in every
     *                   conv call, forward and backward, which was about half of a pass's CPU at batch 1
     *                   (docs/benchmarks.md, "Where a pass's time goes").
     */
    private static ConvLayer conv(NDManager manager, TfjsWeights weights, String prefix, boolean contiguous) {
        NDArray filters = weights.nd(manager, prefix + "/conv/filters").transpose(3, 2, 0, 1); // -> [out,in,kh,kw]
        NDArray bias = weights.nd(manager, prefix + "/conv/bias");
        NDArray s = weights.nd(manager, prefix + "/scale/weights");
        NDArray t = weights.nd(manager, prefix + "/scale/biases");
        NDArray folded = filters.mul(s.reshape(-1, 1, 1, 1));
        if (contiguous) {
            folded = manager.create(folded.toFloatArray(), folded.getShape());
        }
        return new ConvLayer(folded, bias.mul(s).add(t));
    }

    /**
     * @param chips {@code [N,3,150,150]} RGB 0..255 (float32); may require gradient
     * @return {@code [N,128]} descriptors, in the manager of {@code chips}
     */
    public NDArray forward(NDArray chips) {
        return forward(chips, null).get(0);
    }

    /**
     * Descriptors and, when {@code stage} names a residual stage ({@link #isStage}), that stage's output map
     * {@code [N,C,H,W]} (for a feature-level loss).
     */
    public NDList forward(NDArray chips, String stage) {
        // DJL's cast runs without autograd: a net of another compute type takes chips already cast (which
        // may require gradient themselves) and returns its own type; see withComputeType
        NDArray x = (chips.getDataType() == compute ? chips : chips.toType(compute, false)).sub(mean).div(scale);
        x = convLayer(x, layers.get("conv32_down"), 2, true, false);
        x = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false);
        NDArray feature = null;
        for (String s : RESIDUAL_STAGES) {
            x = s.endsWith("down") || s.endsWith("down_out") ? residualDown(x, s) : residual(x, s);
            if (s.equals(stage)) {
                feature = x;
            }
        }
        // mean over H then W: PtNDArray.mean(int[]) takes one axis at a time
        NDArray pooled = x.mean(new int[] {3}).mean(new int[] {2});
        NDArray descriptor = pooled.matMul(fc);
        return feature == null ? new NDList(descriptor) : new NDList(descriptor, feature);
    }

    /** Whether {@code stage} is one of the net's residual stages (e.g. {@code conv64_3}). */
    public static boolean isStage(String stage) {
        return java.util.Arrays.asList(RESIDUAL_STAGES).contains(stage);
    }

    /** Flattened output maps of {@code stage} for chips given as CHW RGB 0..255 (no gradient). */
    public float[][] features(String stage, float[]... chips) {
        try (NDManager pass = manager.newSubManager()) {
            NDArray batch = pass.create(Rows.stack(chips), new Shape(chips.length, 3, CHIP_SIZE, CHIP_SIZE));
            return Rows.split(forward(batch, stage).get(1).toFloatArray(), chips.length);
        }
    }

    /** Descriptors of chips given as CHW RGB 0..255 float arrays (no gradient, own sub-manager). */
    public float[][] describe(float[]... chips) {
        try (NDManager pass = manager.newSubManager()) {
            NDArray batch = pass.create(Rows.stack(chips), new Shape(chips.length, 3, CHIP_SIZE, CHIP_SIZE));
            return Rows.split(forward(batch).toFloatArray(), chips.length);
        }
    }

    /** Euclidean distance, the metric the 0.6 threshold is defined in. */
    public static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    private static NDArray convLayer(NDArray x, ConvLayer layer, int stride, boolean relu, boolean same) {
        int k = (int) layer.weight().getShape().get(2);
        int pad = same ? k / 2 : 0; // 'same' at stride 1 with odd kernels is symmetric
        NDArray out = Conv2d.conv2d(x, layer.weight(), layer.bias(),
                new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1).singletonOrThrow();
        return relu ? Activation.relu(out) : out;
    }

    private NDArray residual(NDArray x, String stage) {
        NDArray out = convLayer(x, layers.get(stage + "/conv1"), 1, true, true);
        out = convLayer(out, layers.get(stage + "/conv2"), 1, false, true);
        return Activation.relu(out.add(x));
    }

    /** Strided residual block; the shortcut is a 2x2 average pool, zero-padded to the new shape as in face-api. */
    private NDArray residualDown(NDArray x, String stage) {
        NDArray out = convLayer(x, layers.get(stage + "/conv1"), 2, true, false);
        out = convLayer(out, layers.get(stage + "/conv2"), 1, false, true);
        NDArray pooled = Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
        Shape ps = pooled.getShape();
        Shape os = out.getShape();
        if (ps.get(2) != os.get(2) || ps.get(3) != os.get(3)) {
            // tfjs 'valid' conv of an even side loses a row/column that avgPool keeps: face-api appends zeros
            out = out.pad(new Shape(0, ps.get(3) - os.get(3), 0, ps.get(2) - os.get(2)), 0);
        }
        if (ps.get(1) != out.getShape().get(1)) {
            NDArray zeros = x.getManager().zeros(pooled.getShape(), pooled.getDataType());
            pooled = NDArrays.concat(new NDList(pooled, zeros), 1);
        }
        return Activation.relu(pooled.add(out));
    }

    @Override
    public void close() {
        manager.close();
    }
}
