package dev.dntme.gateway.cloak.recognition;

import dev.dntme.gateway.cloak.nets.Pins;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that makes a recogniser, as a model zoo describes a model: where its weights are and the bytes they must
 * be, which loader reads them, which chip it reads and how that chip becomes its input, its match threshold, and the
 * map a feature term may use. Adding a recogniser is one of these (and the provenance of its files); {@link Recognizers}
 * holds them by name and loads them, and nothing else in the cloak knows one recogniser from another.
 *
 * @param name        configuration name ({@code dntme.cloak.recognizers})
 * @param format      which loader reads the weights
 * @param location    {@link Format#FACE_API_DLIB}: the classpath folder of the face-api weights;
 *                    {@link Format#TFJS_GRAPH}: the classpath {@code model.json}; {@link Format#ONNX}: the file (a
 *                    path, else a classpath resource)
 * @param sha256      every file the loader reads, by file name, and its SHA-256 (as in the folder's SHA256SUMS)
 * @param crop        the chip it reads (recognisers with one crop share chips, warps and EOT draws)
 * @param input       how that chip becomes the network's input
 * @param threshold   same person below it, in the format's distance: Euclidean for the dlib net, Euclidean of unit
 *                    vectors for TF.js graphs, cosine distance for ONNX models (their model cards quote that)
 * @param featureNode a mid-level map the ensemble's feature term may read when this recogniser is the second
 *                    member, or null
 */
public record RecognizerDescriptor(String name, Format format, String location, Map<String, String> sha256, Crop crop,
        Input input, double threshold, String featureNode) {

    public enum Format { FACE_API_DLIB, TFJS_GRAPH, ONNX }

    public enum ColourOrder { RGB, BGR }

    /**
     * How a 0..255 RGB chip becomes the network's input: the window (by {@code template}) resampled to
     * {@code width x height}, channels in {@code colourOrder}, {@code (value - mean) / std} per channel.
     *
     * @param template      five points (image-left eye centre, image-right eye centre, nose tip, mouth corners) in
     *                      input pixels, locating the input in an ArcFace crop; null: the whole chip is the input
     * @param output        the embedding node where the format has several outputs (TF.js graphs), else null
     * @param embeddingSize the embedding's length (checked at load where the format tells it)
     */
    public record Input(int width, int height, ColourOrder colourOrder, float[] mean, float[] std, double[][] template,
            String output, int embeddingSize) {

        public Input {
            Objects.requireNonNull(colourOrder, "colourOrder");
            if (mean.length != 3 || std.length != 3 || (template != null && template.length != 5)) {
                throw new IllegalArgumentException("mean and std need 3 values, the template 5 points");
            }
            mean = mean.clone();
            std = std.clone();
            template = template == null ? null : Arrays.stream(template).map(double[]::clone).toArray(double[][]::new);
        }

        @Override
        public float[] mean() {
            return mean.clone();
        }

        @Override
        public float[] std() {
            return std.clone();
        }

        @Override
        public double[][] template() {
            return template == null ? null : Arrays.stream(template).map(double[]::clone).toArray(double[][]::new);
        }

        boolean sameMean() {
            return mean[0] == mean[1] && mean[1] == mean[2];
        }

        boolean sameStd() {
            return std[0] == std[1] && std[1] == std[2];
        }

        @Override
        public String toString() {
            return width + "x" + height + " " + colourOrder + ", mean " + Arrays.toString(mean) + ", std "
                    + Arrays.toString(std) + (template == null ? ", whole chip" : ", five-point window")
                    + (output == null ? "" : ", output " + output) + ", " + embeddingSize + "-d";
        }
    }

    public RecognizerDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, name + ": format");
        Objects.requireNonNull(location, name + ": location");
        Objects.requireNonNull(crop, name + ": crop");
        Objects.requireNonNull(input, name + ": input");
        if (sha256 == null || sha256.isEmpty()) {
            throw new IllegalArgumentException(name + ": a recogniser's files need their SHA-256");
        }
        sha256 = new Pins(name, sha256).sha256();
        if (format == Format.ONNX && (input.template == null || sha256.get(fileName(location)) == null)) {
            throw new IllegalArgumentException(name + ": an ONNX recogniser needs its five-point template and its file's SHA-256");
        }
        if (format != Format.ONNX && input.colourOrder() != ColourOrder.RGB) {
            throw new IllegalArgumentException(name + ": the " + format + " loader takes RGB");
        }
    }

    /** What the loader checks every file against. */
    public Pins pins() {
        return new Pins(name, sha256);
    }

    /** The SHA-256 of the file at {@link #location} (an ONNX model's one file). */
    public String locationSha256() {
        return sha256.get(fileName(location));
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public RecognizerDescriptor withName(String other) {
        return new RecognizerDescriptor(other, format, location, sha256, crop, input, threshold, featureNode);
    }

    /** The same files elsewhere (e.g. {@code dntme.cloak.model-location}); the pins stay. */
    public RecognizerDescriptor withLocation(String other) {
        return new RecognizerDescriptor(name, format, other, sha256, crop, input, threshold, featureNode);
    }

    /** A threshold measured on a platform's own photos. */
    public RecognizerDescriptor withThreshold(double other) {
        return new RecognizerDescriptor(name, format, location, sha256, crop, input, other, featureNode);
    }

    public RecognizerDescriptor withSha256(Map<String, String> other) {
        return new RecognizerDescriptor(name, format, location, other, crop, input, threshold, featureNode);
    }
}
