package dev.dntme.gateway.cloak.nets.surrogates;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.onnx.OnnxGraph;
import java.awt.geom.AffineTransform;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How to feed one ONNX face recogniser and read its embedding: the file (and its SHA-256), the crop (size and
 * the five-point template it is aligned to), the colour order and value scaling of its input, the embedding
 * size, and the matching threshold. Distance is the cosine distance of the L2-normalised embeddings
 * ({@link #distance}); two faces are the same person when it is under {@code threshold}.
 *
 * <p>The four committed models are {@link #builtIn()}; the recogniser registry describes them from these constants
 * (recognition.BuiltInRecognizers) and builds one of these from any ONNX descriptor to load it, a platform's own
 * included (docs/cloak-onnx.md).
 *
 * @param name       configuration name, e.g. {@code edgeface-xs}
 * @param file       file path, or classpath resource (see {@link OnnxGraph#load(NDManager, String, String)})
 * @param sha256     the file's SHA-256 (hex); another file is refused
 * @param width      crop width in pixels (the graph's input W)
 * @param height     crop height in pixels (the graph's input H)
 * @param colourOrder channel order of the graph's input
 * @param mean       per input channel (in the graph's channel order), subtracted from 0..255 pixel values
 * @param std        per input channel, divides after the mean: input = (pixel - mean) / std
 * @param template   five points (image-left eye centre, image-right eye centre, nose tip, left and right mouth
 *                   corners) in crop pixel coordinates
 * @param embeddingSize length of the embedding (checked against the graph at load)
 * @param threshold  cosine-distance threshold (same person below it)
 */
public record SurrogateModel(String name, String file, String sha256, int width, int height, ColourOrder colourOrder,
        float[] mean, float[] std, double[][] template, int embeddingSize, double threshold) {

    public enum ColourOrder { RGB, BGR }

    /** ArcFace's 112x112 template (InsightFace {@code arcface_dst}). */
    public static final double[][] ARCFACE_112 = FivePointCrop.ARCFACE_112;

    /**
     * Thresholds: the equal-error-rate thresholds measured on src/test/resources/faces/people (15 photos, 6 people,
     * 14 same-person and 91 different-person pairs, all separated: EER 0): the midpoint of the gap between the
     * largest same-person and the smallest different-person distance (docs/cloak-onnx.md). Fifteen photos fix
     * a threshold only roughly: a platform should re-measure on its own data ({@link #withThreshold}).
     */
    public static final SurrogateModel EDGEFACE_XS = new SurrogateModel("edgeface-xs",
            "models/surrogates/edgeface-xs/edgeface_xs_fp32.onnx",
            "beeeb2d6510a828bb746b07c565d6b666a5a3170a1efa78552793956f8c87001",
            112, 112, ColourOrder.RGB, rgb(127.5f), rgb(127.5f), ARCFACE_112, 512, 0.632);

    public static final SurrogateModel EDGEFACE_XXS = new SurrogateModel("edgeface-xxs",
            "models/surrogates/edgeface-xxs/edgeface_xxs_fp32.onnx",
            "1739beadbf6424208f368748b6056c31782a1d6971446f01c2f25afcda056b23",
            112, 112, ColourOrder.RGB, rgb(127.5f), rgb(127.5f), ARCFACE_112, 512, 0.628);

    /** Raw 0..255: the graph itself subtracts 127.5 and scales by 1/128. */
    public static final SurrogateModel MOBILEFACENET_Y1 = new SurrogateModel("mobilefacenet-y1",
            "models/surrogates/mobilefacenet-y1/model-y1-0000.onnx",
            "c3f851e391d35cad6edd72eb6f5624eb4567e276b5687c2f6a20830b5ef87b96",
            112, 112, ColourOrder.RGB, rgb(0f), rgb(1f), ARCFACE_112, 128, 0.662);

    /** BGR, raw 0..255; the ArcFace points of a 96x112 crop (x - 8) stretched to 128x128. */
    public static final SurrogateModel INTEL_REID_0095 = new SurrogateModel("intel-reid-0095",
            "models/surrogates/intel-reid-0095/face-reidentification-retail-0095.onnx",
            "8ac1efd6a09e44fe5f78dffdc5f30b5793ee6f7d291f672cfb214b63c5e17c1c",
            128, 128, ColourOrder.BGR, rgb(0f), rgb(1f), stretched96x112(128, 128), 256, 0.654);

    public SurrogateModel {
        if (mean.length != 3 || std.length != 3 || template.length != 5) {
            throw new IllegalArgumentException(name + ": mean and std need 3 values, the template 5 points");
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The built-in models by name, in a stable order. */
    public static Map<String, SurrogateModel> builtIn() {
        return List.of(EDGEFACE_XS, EDGEFACE_XXS, MOBILEFACENET_Y1, INTEL_REID_0095).stream()
                .collect(Collectors.toMap(SurrogateModel::name, Function.identity(), (a, b) -> a, java.util.LinkedHashMap::new));
    }

    public static SurrogateModel named(String name) {
        SurrogateModel m = builtIn().get(name);
        if (m == null) {
            throw new IllegalArgumentException("no built-in face recogniser '" + name + "'; known: " + builtIn().keySet());
        }
        return m;
    }

    /** This spec with another threshold (e.g. measured on a platform's own photos). */
    public SurrogateModel withThreshold(double t) {
        return new SurrogateModel(name, file, sha256, width, height, colourOrder, mean, std, template, embeddingSize, t);
    }

    /** Loads the graph (SHA-256 checked) and checks that it agrees with this spec's input and embedding sizes. */
    public OnnxGraph load(NDManager parent) {
        OnnxGraph g = OnnxGraph.load(parent, file, sha256);
        if (g.inputChannels() != 3 || g.inputHeight() != height || g.inputWidth() != width || g.outputSize() != embeddingSize) {
            int[] got = {g.inputChannels(), g.inputHeight(), g.inputWidth(), g.outputSize()};
            g.close();
            throw new IllegalArgumentException(name + ": graph takes [N," + got[0] + "," + got[1] + "," + got[2]
                    + "] and gives " + got[3] + " values; the spec says 3x" + height + "x" + width + " -> " + embeddingSize);
        }
        return g;
    }

    /**
     * The graph's input from RGB crops of 0..255 values ({@code [N,3,height,width]}): channel order and scaling
     * applied with NDArray ops, so that gradients flow through it. The result is in {@code rgb}'s manager.
     */
    public NDArray toInput(NDArray rgb) {
        NDArray x = colourOrder == ColourOrder.BGR ? rgb.flip(1) : rgb;
        NDManager m = rgb.getManager();
        NDArray mu = m.create(mean, new Shape(1, 3, 1, 1));
        NDArray sigma = m.create(std, new Shape(1, 3, 1, 1));
        return x.sub(mu).div(sigma);
    }

    /** Crop pixel -> image pixel for a face with these five image points (see {@link FivePointCrop#fivePoints}). */
    public AffineTransform cropToImage(double[][] imagePoints) {
        return FivePointCrop.cropToImage(template, imagePoints);
    }

    /** Cosine distance of the L2-normalised embeddings: 1 - cos, in [0, 2]. */
    public static double distance(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return 1 - dot / Math.sqrt(na * nb);
    }

    /** An ArcFace 112-template of a 96x112 crop (x - 8), stretched onto width x height. */
    static double[][] stretched96x112(int width, int height) {
        double[][] t = new double[5][];
        for (int i = 0; i < 5; i++) {
            t[i] = new double[] {(ARCFACE_112[i][0] - 8) / 96 * width, ARCFACE_112[i][1] / 112 * height};
        }
        return t;
    }

    private static float[] rgb(float v) {
        return new float[] {v, v, v};
    }

    @Override
    public String toString() {
        return name + " (" + width + "x" + height + " " + colourOrder + ", mean " + Arrays.toString(mean) + ", std "
                + Arrays.toString(std) + ", " + embeddingSize + "-d, threshold " + threshold + ")";
    }
}
