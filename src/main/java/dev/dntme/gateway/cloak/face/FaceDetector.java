package dev.dntme.gateway.cloak.face;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.NnOps;
import dev.dntme.gateway.cloak.nets.TfjsWeights;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * face-api.js's SSD MobileNet v1 face detector ({@code ssd_mobilenetv1_model}), ported op for op
 * from {@code face-api/src/ssdMobilenetv1}.
 *
 * <p>Pipeline, as face-api does it: pad the image with black on the right/bottom to a square, resize
 * to 512x512 (tf legacy bilinear), scale to [-1,1], MobileNet v1 + SSD heads over 5118 anchors,
 * decode boxes against the anchors shipped in the weights ({@code Output/extra_dim}), sigmoid face
 * score, greedy non-max suppression (IoU 0.5).
 *
 * <p>Thread-safe: the weights are read-only after construction and every call runs in its own
 * sub-manager.
 */
public final class FaceDetector implements AutoCloseable {

    public static final int INPUT_SIZE = 512;
    public static final float DEFAULT_MIN_CONFIDENCE = 0.5f;
    public static final int DEFAULT_MAX_RESULTS = 100;
    static final float IOU_THRESHOLD = 0.5f;

    /** tf.batchNorm epsilon used by face-api's mobileNetV1. */
    private static final float BN_EPSILON = 0.0010000000474974513f;
    private static final int ANCHORS = 5118;
    private static final float[] MEAN = {127.5f, 127.5f, 127.5f};

    /** A detection in original-image pixels, clipped to the image. */
    public record Detection(Rectangle2D box, float score) {}

    /** conv + bias, or depthwise conv with batch norm folded into kernel and bias. */
    private record Conv(NDArray weight, NDArray bias) {}

    private final NDManager manager;
    private final Conv conv0;
    private final Conv[] depthwise = new Conv[14];
    private final Conv[] pointwise = new Conv[14];
    private final Conv[] prediction = new Conv[8];
    private final Conv[] boxEncoding = new Conv[6];
    private final Conv[] classPredictor = new Conv[6];
    private final float[] anchors;

    /** Loads {@code models/face-api/ssd_mobilenetv1_model} from the classpath into a child of {@code parent}. */
    public FaceDetector(NDManager parent) {
        this.manager = parent.newSubManager();
        TfjsWeights w = TfjsWeights.load("models/face-api", "ssd_mobilenetv1_model");
        conv0 = pointwise(w, "MobilenetV1/Conv2d_0_pointwise");
        for (int i = 1; i <= 13; i++) {
            depthwise[i] = depthwiseWithBatchNorm(w, "MobilenetV1/Conv2d_" + i + "_depthwise");
            pointwise[i] = pointwise(w, "MobilenetV1/Conv2d_" + i + "_pointwise");
        }
        for (int i = 0; i < 8; i++) {
            prediction[i] = pointwise(w, "Prediction/Conv2d_" + i + "_pointwise");
        }
        for (int i = 0; i < 6; i++) {
            String p = "Prediction/BoxPredictor_" + i;
            boxEncoding[i] = new Conv(NnOps.convKernel(manager, w.get(p + "/BoxEncodingPredictor/weights")),
                    w.nd(manager, p + "/BoxEncodingPredictor/biases"));
            classPredictor[i] = new Conv(NnOps.convKernel(manager, w.get(p + "/ClassPredictor/weights")),
                    w.nd(manager, p + "/ClassPredictor/biases"));
        }
        anchors = w.get("Output/extra_dim").values();
        if (anchors.length != ANCHORS * 4) {
            throw new IllegalStateException("expected " + ANCHORS + " anchors, got " + anchors.length / 4);
        }
    }

    /** Faces with score above 0.5, at most 100, best first. */
    public List<Detection> detect(BufferedImage image) {
        return detect(image, DEFAULT_MIN_CONFIDENCE, DEFAULT_MAX_RESULTS);
    }

    public List<Detection> detect(BufferedImage image, float minConfidence, int maxResults) {
        int w = image.getWidth();
        int h = image.getHeight();
        int side = Math.max(w, h);
        float[] input = input(image);

        float[] boxPredictions;
        float[] classPredictions;
        try (NDManager pass = manager.newSubManager()) {
            NDArray x = pass.create(input, new Shape(1, 3, INPUT_SIZE, INPUT_SIZE));
            NDArray[] heads = forward(x);
            boxPredictions = heads[0].toFloatArray();
            classPredictions = heads[1].toFloatArray();
        }
        return postProcess(boxPredictions, classPredictions, side, w, h, minConfidence, maxResults);
    }

    /** The net's input for an image: padded to a square (black right/bottom), 512x512, scaled to [-1,1], CHW. */
    public static float[] input(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] input = new float[3 * INPUT_SIZE * INPUT_SIZE];
        NnOps.resizeOnSquareCanvas(NnOps.rgbPixels(image, 0, 0, w, h), w, h, 0, 0, Math.max(w, h), INPUT_SIZE,
                MEAN, 1f / 127.5f, input, 0);
        return input;
    }

    /**
     * The face logit (sigmoid of it is the detection score) of every anchor, {@code [5118]}, for a
     * {@code [1,3,512,512]} input from {@link #input}; with PyTorch's grad mode on, the graph back to the input
     * is kept, which is what lets the cloak push detection scores down.
     */
    public NDArray faceLogits(NDArray x) {
        return forward(x)[1].get(":, 1");
    }

    /** The anchors' prior boxes, {@code [ymin, xmin, ymax, xmax]} on the 0..1 padded square, 5118 of them. */
    public float[] priors() {
        return anchors.clone();
    }

    /** @return {box encodings [5118*4], class logits [5118*3]} */
    private NDArray[] forward(NDArray x) {
        NDArray out = relu6(NnOps.conv2dSame(x, conv0.weight, conv0.bias, 2));
        NDArray conv11 = null;
        for (int i = 1; i <= 13; i++) {
            int stride = (i == 2 || i == 4 || i == 6 || i == 12) ? 2 : 1;
            out = relu6(NnOps.depthwiseSame(out, depthwise[i].weight, depthwise[i].bias, stride));
            out = relu6(NnOps.conv2dSame(out, pointwise[i].weight, pointwise[i].bias, 1));
            if (i == 11) {
                conv11 = out;
            }
        }
        NDArray[] p = new NDArray[8];
        NDArray prev = out;
        for (int i = 0; i < 8; i++) {
            prev = p[i] = relu6(NnOps.conv2dSame(prev, prediction[i].weight, prediction[i].bias, i % 2 == 1 ? 2 : 1));
        }
        // Feature maps per box predictor, in face-api's order (the anchors follow this order).
        NDArray[] sources = {conv11, out, p[1], p[3], p[5], p[7]};
        NDList boxes = new NDList();
        NDList classes = new NDList();
        for (int i = 0; i < 6; i++) {
            boxes.add(nhwcRows(NnOps.conv2dSame(sources[i], boxEncoding[i].weight, boxEncoding[i].bias, 1), 4));
            classes.add(nhwcRows(NnOps.conv2dSame(sources[i], classPredictor[i].weight, classPredictor[i].bias, 1), 3));
        }
        return new NDArray[] {NDArrays.concat(boxes, 0), NDArrays.concat(classes, 0)};
    }

    /** NCHW head output to tfjs's reshape([-1, k]) of NHWC: rows ordered by (y, x, anchor). */
    private static NDArray nhwcRows(NDArray head, int k) {
        return head.transpose(0, 2, 3, 1).reshape(-1, k);
    }

    private static NDArray relu6(NDArray x) {
        return x.clip(0, 6);
    }

    private List<Detection> postProcess(float[] enc, float[] cls, int side, int w, int h,
                                        float minConfidence, int maxResults) {
        float[] boxes = new float[ANCHORS * 4];
        float[] scores = new float[ANCHORS];
        for (int i = 0; i < ANCHORS; i++) {
            int a = i * 4;
            // outputLayer.decodeBoxesLayer: anchors and results are [ymin, xmin, ymax, xmax] on the 0..1 square.
            float sizeY = anchors[a + 2] - anchors[a];
            float sizeX = anchors[a + 3] - anchors[a + 1];
            float centerY = anchors[a] + sizeY / 2;
            float centerX = anchors[a + 1] + sizeX / 2;
            float halfH = (float) Math.exp(enc[a + 2] / 5) * sizeY / 2;
            float halfW = (float) Math.exp(enc[a + 3] / 5) * sizeX / 2;
            float cy = enc[a] / 10 * sizeY + centerY;
            float cx = enc[a + 1] / 10 * sizeX + centerX;
            boxes[a] = cy - halfH;
            boxes[a + 1] = cx - halfW;
            boxes[a + 2] = cy + halfH;
            boxes[a + 3] = cx + halfW;
            // class 0 is background; face-api keeps sigmoid(logit of class 1).
            scores[i] = (float) (1 / (1 + Math.exp(-cls[i * 3 + 1])));
        }
        List<Integer> kept = SsdNms.select(boxes, scores, maxResults, IOU_THRESHOLD, minConfidence);
        List<Detection> result = new ArrayList<>(kept.size());
        for (int i : kept) {
            int a = i * 4;
            // Relative to the padded square, so * side gives original pixels; then clip to the image
            // (face-api clips to the square only and leaves the image border to extractFaces).
            double top = Math.min(Math.max(0, boxes[a]) * side, h);
            double left = Math.min(Math.max(0, boxes[a + 1]) * side, w);
            double bottom = Math.min(Math.min(1, boxes[a + 2]) * side, h);
            double right = Math.min(Math.min(1, boxes[a + 3]) * side, w);
            if (right > left && bottom > top) {
                result.add(new Detection(new Rectangle2D.Double(left, top, right - left, bottom - top), scores[i]));
            }
        }
        result.sort(Comparator.comparingDouble((Detection d) -> d.score()).reversed());
        return result;
    }

    private Conv pointwise(TfjsWeights w, String prefix) {
        return new Conv(NnOps.convKernel(manager, w.get(prefix + "/weights")),
                w.nd(manager, prefix + "/convolution_bn_offset"));
    }

    /** Folds tf.batchNorm(mean, variance, offset, scale) into the depthwise kernel and a bias. */
    private Conv depthwiseWithBatchNorm(TfjsWeights w, String prefix) {
        float[] gamma = w.get(prefix + "/BatchNorm/gamma").values();
        float[] beta = w.get(prefix + "/BatchNorm/beta").values();
        float[] mean = w.get(prefix + "/BatchNorm/moving_mean").values();
        float[] variance = w.get(prefix + "/BatchNorm/moving_variance").values();
        float[] scale = new float[gamma.length];
        float[] bias = new float[gamma.length];
        for (int c = 0; c < gamma.length; c++) {
            scale[c] = (float) (gamma[c] / Math.sqrt(variance[c] + BN_EPSILON));
            bias[c] = beta[c] - mean[c] * scale[c];
        }
        NDArray kernel = NnOps.depthwiseKernel(manager, w.get(prefix + "/depthwise_weights"), scale);
        return new Conv(kernel, manager.create(bias));
    }

    @Override
    public void close() {
        manager.close();
    }
}
