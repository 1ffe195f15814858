package dev.dntme.gateway.cloak.recognition;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A face recogniser as the cloak sees it: a network plus the crop it reads, its distance and the
 * threshold under which two faces are the same person. The optimiser treats every recogniser alike; one is
 * loaded from a {@link RecognizerDescriptor} by the class of its format.
 *
 * <p>Chips are {@code [n, 3, 150, 150]}, RGB 0..255, cut at {@link #crop()}; the recogniser does its own
 * resampling, colour order and value scaling. Forward passes record PyTorch autograd when grad mode is on,
 * and put their results in the chips' manager.
 */
public interface Recognizer extends AutoCloseable {

    /** What it was loaded from. */
    RecognizerDescriptor descriptor();

    default String name() {
        return descriptor().name();
    }

    default Crop crop() {
        return descriptor().crop();
    }

    /** Embeddings {@code [n, dimension]} of chips {@code [n, 3, 150, 150]}, differentiable. */
    NDArray forward(NDArray chips);

    /**
     * The embeddings and, second, the named intermediate map (flattened per chip), for a feature term;
     * an unknown node is an error.
     */
    NDList forward(NDArray chips, String featureNode);

    /** Embeddings of CHW 150x150 chips given as arrays, one row each (no gradient). */
    float[][] describe(float[]... chips);

    /** Flattened feature maps of {@code node}, one row per chip (no gradient). */
    float[][] features(String node, float[]... chips);

    /** Distance between two embeddings in this recogniser's metric. */
    double distance(float[] a, float[] b);

    /** Same person below this distance. */
    double threshold();

    @Override
    void close();
}
