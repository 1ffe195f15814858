package dev.dntme.gateway.cloak.face;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import dev.dntme.gateway.cloak.nets.NnOps;
import dev.dntme.gateway.cloak.nets.TfjsWeights;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * face-api.js's Tiny Face Detector ({@code tiny_face_detector_model}): a Tiny YOLO v2 whose convolutions
 * are depthwise-separable, with one anchor set of 5 boxes over a 13x13 grid at the default 416 input.
 *
 * <p>The cloak never optimises against this net: it is the held-out detector of the benchmarks, a second
 * detector family (single-shot YOLO grid, different training set, different input scale) that a scraper
 * could run instead of the SSD the service uses.
 *
 * <p>As face-api runs it: pad to a square with black right/bottom, resize to 416 (tf legacy bilinear),
 * subtract the mean RGB, divide by 256; conv 3x3 'valid' + leaky ReLU (0.1), then five blocks of
 * [2x2 max-pool stride 2, separable conv 3x3 (pad 1) + bias + leaky ReLU], a 2x2 max-pool at stride 1 and a
 * 1x1 conv to 5 anchors x (tx, ty, tw, th, score). Box centre {@code (cell + sigmoid(t)) / 13}, size
 * {@code exp(t) * anchor / 13}, score {@code sigmoid}, greedy NMS at IoU 0.4.
 *
 * <p>Thread-safe: read-only weights, one sub-manager per call.
 */
public final class TinyFaceDetector implements AutoCloseable {

    static final int INPUT_SIZE = 416;
    static final float DEFAULT_MIN_CONFIDENCE = 0.5f;
    static final float IOU_THRESHOLD = 0.4f;

    private static final float[] MEAN_RGB = {117.001f, 114.697f, 97.404f};
    /** Anchor width, height in grid cells, as face-api's tinyFaceDetector const. */
    private static final float[][] ANCHORS = {
        {1.603231f, 2.094468f}, {6.041143f, 7.080126f}, {2.882459f, 3.518061f}, {4.266906f, 5.178857f}, {9.041765f, 10.66308f}};
    private static final float LEAKY_ALPHA = 0.10000000149011612f;
    /** Below any activation the max-pools see: stands for tf's implicit -inf 'same' padding. */
    private static final float POOL_PAD = -1e30f;

    private record Separable(NDArray depthwise, NDArray pointwise, NDArray bias) {}

    private final NDManager manager;
    private final NDArray conv0;
    private final NDArray conv0Bias;
    private final Separable[] blocks = new Separable[5];
    private final NDArray conv8;
    private final NDArray conv8Bias;

    public TinyFaceDetector(NDManager parent) {
        this.manager = parent.newSubManager();
        TfjsWeights w = TfjsWeights.load("models/face-api", "tiny_face_detector_model");
        conv0 = NnOps.convKernel(manager, w.get("conv0/filters"));
        conv0Bias = w.nd(manager, "conv0/bias");
        for (int i = 1; i <= 5; i++) {
            blocks[i - 1] = new Separable(NnOps.depthwiseKernel(manager, w.get("conv" + i + "/depthwise_filter"), null),
                    NnOps.convKernel(manager, w.get("conv" + i + "/pointwise_filter")), w.nd(manager, "conv" + i + "/bias"));
        }
        conv8 = NnOps.convKernel(manager, w.get("conv8/filters"));
        conv8Bias = w.nd(manager, "conv8/bias");
    }

    /** Faces with score above 0.5, best first (face-api's TinyFaceDetectorOptions defaults). */
    public List<FaceDetector.Detection> detect(BufferedImage image) {
        return detect(image, DEFAULT_MIN_CONFIDENCE);
    }

    public List<FaceDetector.Detection> detect(BufferedImage image, float minConfidence) {
        int w = image.getWidth();
        int h = image.getHeight();
        int side = Math.max(w, h);
        float[] input = new float[3 * INPUT_SIZE * INPUT_SIZE];
        NnOps.resizeOnSquareCanvas(NnOps.rgbPixels(image, 0, 0, w, h), w, h, 0, 0, side, INPUT_SIZE,
                MEAN_RGB, 1f / 256f, input, 0);
        float[] out;
        int cells;
        try (NDManager pass = manager.newSubManager()) {
            NDArray y = forward(pass.create(input, new Shape(1, 3, INPUT_SIZE, INPUT_SIZE)));
            cells = (int) y.getShape().get(2);
            out = y.toFloatArray();
        }
        return decode(out, cells, side, w, h, minConfidence);
    }

    /** {@code [1,3,416,416]} normalised input to the {@code [1,25,13,13]} head (channel = anchor * 5 + field). */
    NDArray forward(NDArray x) {
        NDArray out = leaky(Conv2d.conv2d(x, conv0, conv0Bias, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1)
                .singletonOrThrow());
        for (int i = 0; i < blocks.length; i++) {
            out = maxPoolSame(out, 2);
            Separable b = blocks[i];
            NDArray dw = Conv2d.conv2d(out, b.depthwise, NnOps.zeros(out.getManager(), out.getShape().get(1)),
                    new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), (int) out.getShape().get(1)).singletonOrThrow();
            out = leaky(Conv2d.conv2d(dw, b.pointwise, b.bias, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1)
                    .singletonOrThrow());
        }
        out = maxPoolSame(out, 1);
        return Conv2d.conv2d(out, conv8, conv8Bias, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
    }

    /** tf.maxPool([2,2], stride, 'same'): TF pads after (right/bottom) only, with values no max can pick. */
    private static NDArray maxPoolSame(NDArray x, int stride) {
        int[] ph = NnOps.samePadding((int) x.getShape().get(2), 2, stride);
        int[] pw = NnOps.samePadding((int) x.getShape().get(3), 2, stride);
        NDArray padded = ph[0] + ph[1] + pw[0] + pw[1] == 0 ? x : x.pad(new Shape(pw[0], pw[1], ph[0], ph[1]), POOL_PAD);
        return Pool.maxPool2d(padded, new Shape(2, 2), new Shape(stride, stride), new Shape(0, 0), false);
    }

    private static NDArray leaky(NDArray x) {
        return Activation.leakyRelu(x, LEAKY_ALPHA);
    }

    private static List<FaceDetector.Detection> decode(float[] out, int cells, int side, int w, int h, float minConfidence) {
        int plane = cells * cells;
        int n = ANCHORS.length * plane;
        float[] boxes = new float[n * 4];
        float[] scores = new float[n];
        for (int row = 0; row < cells; row++) {
            for (int col = 0; col < cells; col++) {
                for (int a = 0; a < ANCHORS.length; a++) {
                    int at = row * cells + col;
                    int c = a * 5;
                    float cx = (col + sigmoid(out[c * plane + at])) / cells;
                    float cy = (row + sigmoid(out[(c + 1) * plane + at])) / cells;
                    float bw = (float) Math.exp(out[(c + 2) * plane + at]) * ANCHORS[a][0] / cells;
                    float bh = (float) Math.exp(out[(c + 3) * plane + at]) * ANCHORS[a][1] / cells;
                    int i = (row * cells + col) * ANCHORS.length + a;
                    scores[i] = sigmoid(out[(c + 4) * plane + at]);
                    // SsdNms takes [ymin, xmin, ymax, xmax]
                    boxes[i * 4] = cy - bh / 2;
                    boxes[i * 4 + 1] = cx - bw / 2;
                    boxes[i * 4 + 2] = cy + bh / 2;
                    boxes[i * 4 + 3] = cx + bw / 2;
                }
            }
        }
        List<Integer> kept = SsdNms.select(boxes, scores, n, IOU_THRESHOLD, minConfidence);
        List<FaceDetector.Detection> result = new ArrayList<>();
        for (int i : kept) {
            // relative to the padded square: * side gives original pixels, then clip to the image
            double top = Math.min(Math.max(0, boxes[i * 4]) * side, h);
            double left = Math.min(Math.max(0, boxes[i * 4 + 1]) * side, w);
            double bottom = Math.min(Math.max(0, boxes[i * 4 + 2]) * side, h);
            double right = Math.min(Math.max(0, boxes[i * 4 + 3]) * side, w);
            if (right > left && bottom > top) {
                result.add(new FaceDetector.Detection(new Rectangle2D.Double(left, top, right - left, bottom - top), scores[i]));
            }
        }
        result.sort(Comparator.comparingDouble((FaceDetector.Detection d) -> d.score()).reversed());
        return result;
    }

    private static float sigmoid(float v) {
        return (float) (1 / (1 + Math.exp(-v)));
    }

    @Override
    public void close() {
        manager.close();
    }
}
