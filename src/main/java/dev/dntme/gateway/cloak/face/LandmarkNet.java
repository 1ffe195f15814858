package dev.dntme.gateway.cloak.face;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.dntme.gateway.cloak.nets.NnOps;
import dev.dntme.gateway.cloak.nets.TfjsWeights;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * face-api.js's FaceLandmark68Net ({@code face_landmark_68_model}): a DenseNet-style feature
 * extractor (four dense blocks of depthwise-separable convs) and a fully connected layer giving the
 * 68 iBUG points. Ported from {@code faceLandmarkNet/} and {@code faceFeatureExtractor/}.
 *
 * <p>Input, as face-api's {@code extractFaces} + {@code toBatchTensor(112, true)}: the detection box
 * floored and clipped to the image, padded with black to a square (centred), resized to 112x112
 * (tf legacy bilinear), minus the mean RGB, divided by 255. Output points are mapped back through
 * the same padding and scale into original-image pixels.
 *
 * <p>Thread-safe: read-only weights, one sub-manager per call.
 */
public final class LandmarkNet implements AutoCloseable {

    static final int INPUT_SIZE = 112;
    static final int POINTS = 68;
    private static final float[] MEAN_RGB = {122.782f, 117.001f, 104.298f};

    /** A separable conv: depthwise kernel (no bias), pointwise kernel, bias after the pointwise. */
    private record SeparableConv(NDArray depthwise, NDArray depthwiseBias, NDArray pointwise, NDArray bias) {}

    /** First block's conv0 is a plain conv, others are separable; conv1..3 are always separable. */
    private record DenseBlock(NDArray plainConv0, NDArray plainBias0, SeparableConv[] convs) {}

    /** Where a face crop sits on the square canvas the net saw. */
    private record Crop(int x, int y, int width, int height, int canvas, int offX, int offY) {}

    private final NDManager manager;
    private final DenseBlock[] blocks = new DenseBlock[4];
    private final NDArray fcWeights;
    private final NDArray fcBias;

    /** Loads {@code models/face-api/face_landmark_68_model} from the classpath into a child of {@code parent}. */
    public LandmarkNet(NDManager parent) {
        this.manager = parent.newSubManager();
        TfjsWeights w = TfjsWeights.load("models/face-api", "face_landmark_68_model");
        for (int b = 0; b < 4; b++) {
            String p = "dense" + b;
            SeparableConv[] convs = new SeparableConv[4];
            NDArray plain = null;
            NDArray plainBias = null;
            for (int c = 0; c < 4; c++) {
                String q = p + "/conv" + c;
                if (b == 0 && c == 0) {
                    plain = NnOps.convKernel(manager, w.get(q + "/filters"));
                    plainBias = w.nd(manager, q + "/bias");
                } else {
                    TfjsWeights.Tensor dw = w.get(q + "/depthwise_filter");
                    convs[c] = new SeparableConv(
                            NnOps.depthwiseKernel(manager, dw, null),
                            NnOps.zeros(manager, dw.shape()[2] * dw.shape()[3]),
                            NnOps.convKernel(manager, w.get(q + "/pointwise_filter")),
                            w.nd(manager, q + "/bias"));
                }
            }
            blocks[b] = new DenseBlock(plain, plainBias, convs);
        }
        fcWeights = w.nd(manager, "fc/weights"); // [256, 136]
        fcBias = w.nd(manager, "fc/bias");
    }

    /**
     * 68 points per box, each {@code x0,y0,x1,y1,...} in original-image pixels (pixel centres at
     * integer coordinates). Boxes that clip to nothing get {@code null}.
     */
    public List<float[]> landmarks(BufferedImage image, List<Rectangle2D> boxes) {
        List<Crop> crops = new ArrayList<>(boxes.size());
        for (Rectangle2D box : boxes) {
            crops.add(crop(box, image.getWidth(), image.getHeight()));
        }
        int valid = (int) crops.stream().filter(c -> c != null).count();
        List<float[]> result = new ArrayList<>(boxes.size());
        if (valid == 0) {
            crops.forEach(c -> result.add(null));
            return result;
        }
        int plane = 3 * INPUT_SIZE * INPUT_SIZE;
        float[] input = new float[valid * plane];
        int n = 0;
        for (Crop c : crops) {
            if (c != null) {
                int[] rgb = NnOps.rgbPixels(image, c.x, c.y, c.width, c.height);
                NnOps.resizeOnSquareCanvas(rgb, c.width, c.height, c.offX, c.offY, c.canvas, INPUT_SIZE,
                        MEAN_RGB, 1f / 255f, input, n++ * plane);
            }
        }
        float[] out;
        try (NDManager pass = manager.newSubManager()) {
            NDArray x = pass.create(input, new Shape(valid, 3, INPUT_SIZE, INPUT_SIZE));
            out = forward(x).toFloatArray();
        }
        n = 0;
        for (Crop c : crops) {
            if (c == null) {
                result.add(null);
                continue;
            }
            float[] points = new float[POINTS * 2];
            for (int i = 0; i < POINTS; i++) {
                // Net output is relative to the 112 input; legacy resize maps it to canvas * p.
                points[2 * i] = c.x + out[n * POINTS * 2 + 2 * i] * c.canvas - c.offX;
                points[2 * i + 1] = c.y + out[n * POINTS * 2 + 2 * i + 1] * c.canvas - c.offY;
            }
            n++;
            result.add(points);
        }
        return result;
    }

    /** @return {@code [n, 136]} relative coordinates */
    private NDArray forward(NDArray x) {
        NDArray out = x;
        for (int b = 0; b < 4; b++) {
            out = denseBlock4(out, blocks[b]);
        }
        // avgPool 7x7 valid on the 7x7 map = global mean (mean() takes one axis at a time here).
        NDArray pooled = out.reshape(out.getShape().get(0), out.getShape().get(1), -1).mean(new int[] {2});
        return pooled.matMul(fcWeights).add(fcBias);
    }

    /** faceFeatureExtractor/denseBlock.ts denseBlock4 with isScaleDown = true. */
    private static NDArray denseBlock4(NDArray x, DenseBlock p) {
        NDArray out1 = p.plainConv0 != null
                ? Activation.relu(NnOps.conv2dSame(x, p.plainConv0, p.plainBias0, 2))
                : Activation.relu(separable(x, p.convs[0], 2));
        NDArray out2 = separable(out1, p.convs[1], 1);
        NDArray in3 = Activation.relu(out1.add(out2));
        NDArray out3 = separable(in3, p.convs[2], 1);
        NDArray in4 = Activation.relu(out1.add(out2.add(out3)));
        NDArray out4 = separable(in4, p.convs[3], 1);
        return Activation.relu(out1.add(out2.add(out3.add(out4))));
    }

    /** tf.separableConv2d(x, dw, pw, stride, 'same') + bias. */
    private static NDArray separable(NDArray x, SeparableConv c, int stride) {
        NDArray depth = NnOps.depthwiseSame(x, c.depthwise, c.depthwiseBias, stride);
        return NnOps.conv2dSame(depth, c.pointwise, c.bias, 1);
    }

    /**
     * face-api: {@code box.floor().clipAtImageBorders(w, h)} then {@code padToSquare(isCenter=true)}:
     * {@code round(diff/2)} black columns/rows appended after, the rest before.
     */
    private static Crop crop(Rectangle2D box, int imageWidth, int imageHeight) {
        double x = Math.floor(box.getX());
        double y = Math.floor(box.getY());
        double right = x + Math.floor(box.getWidth());
        double bottom = y + Math.floor(box.getHeight());
        int cx = (int) Math.max(x, 0);
        int cy = (int) Math.max(y, 0);
        int w = (int) Math.floor(Math.min(right - cx, imageWidth - cx));
        int h = (int) Math.floor(Math.min(bottom - cy, imageHeight - cy));
        if (w <= 0 || h <= 0) {
            return null;
        }
        int side = Math.max(w, h);
        int diff = side - Math.min(w, h);
        int before = diff - (int) Math.round(diff * 0.5);
        return new Crop(cx, cy, w, h, side, w < h ? before : 0, h < w ? before : 0);
    }

    @Override
    public void close() {
        manager.close();
    }
}
