package dev.dntme.gateway.cloak.recognition;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;

/** A net in face-api's dlib ResNet layout, on the 150x150 chip it was trained on; Euclidean distance. */
final class DlibRecognizer implements Recognizer {

    private final RecognizerDescriptor descriptor;
    private final FaceRecognitionNet net;

    DlibRecognizer(RecognizerDescriptor descriptor, FaceRecognitionNet net) {
        this.descriptor = descriptor;
        this.net = net;
    }

    static DlibRecognizer load(RecognizerDescriptor d, NDManager manager) {
        RecognizerDescriptor.Input in = d.input();
        if (in.width() != FaceRecognitionNet.CHIP_SIZE || in.height() != FaceRecognitionNet.CHIP_SIZE || in.template() != null
                || !in.sameStd()) {
            throw new IllegalArgumentException(d.name() + ": the dlib net reads the whole 150x150 chip, one divisor for "
                    + "every channel, not " + in);
        }
        return new DlibRecognizer(d, FaceRecognitionNet.load(manager, d.location(), d.pins(), in.mean(), in.std()[0]));
    }

    @Override
    public RecognizerDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NDArray forward(NDArray chips) {
        return net.forward(chips);
    }

    @Override
    public NDList forward(NDArray chips, String featureNode) {
        return net.forward(chips, featureNode);
    }

    @Override
    public float[][] describe(float[]... chips) {
        return net.describe(chips);
    }

    @Override
    public float[][] features(String node, float[]... chips) {
        return net.features(node, chips);
    }

    @Override
    public double distance(float[] a, float[] b) {
        return FaceRecognitionNet.distance(a, b);
    }

    @Override
    public double threshold() {
        return descriptor.threshold();
    }

    @Override
    public void close() {
        net.close();
    }
}
