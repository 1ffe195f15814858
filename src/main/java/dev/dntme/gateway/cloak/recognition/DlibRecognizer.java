package dev.dntme.gateway.cloak.recognition;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;

/** face_recognition's dlib ResNet (face-api weights) on its own 150x150 chip; Euclidean distance, 0.6. */
final class DlibRecognizer implements Recognizer {

    private final FaceRecognitionNet net;
    private final double threshold;

    DlibRecognizer(FaceRecognitionNet net, double threshold) {
        this.net = net;
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return Recognizers.DLIB;
    }

    @Override
    public Crop crop() {
        return Crop.DLIB;
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
        return threshold;
    }

    @Override
    public void close() {
        net.close();
    }
}
