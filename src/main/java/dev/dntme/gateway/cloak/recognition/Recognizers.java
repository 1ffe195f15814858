package dev.dntme.gateway.cloak.recognition;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import dev.dntme.gateway.cloak.nets.FaceRes;
import dev.dntme.gateway.cloak.nets.MobileFace;
import dev.dntme.gateway.cloak.nets.TfjsGraphRecognizer;
import java.util.Set;

/** The recognisers the cloak can put in its loss, by the name configuration uses. */
public final class Recognizers {

    public static final String DLIB = "dlib";
    public static final String FACERES = "faceres";
    public static final String MOBILEFACE = "mobileface";

    private Recognizers() {}

    public static Set<String> names() {
        return Set.of(DLIB, FACERES, MOBILEFACE);
    }

    /**
     * Loads a recogniser into a child of {@code manager}.
     *
     * @param faceApiLocation where the face-api weights are (the dlib net)
     * @param dlibThreshold   the dlib match threshold the service is configured with
     */
    public static Recognizer load(String name, NDManager manager, String faceApiLocation, double dlibThreshold) {
        return switch (name) {
            case DLIB -> new DlibRecognizer(FaceRecognitionNet.load(manager, faceApiLocation), dlibThreshold);
            case FACERES -> new TfjsRecognizer(TfjsGraphRecognizer.load(manager, FaceRes.spec()), Crop.DLIB);
            case MOBILEFACE -> new TfjsRecognizer(TfjsGraphRecognizer.load(manager, MobileFace.spec()), Crop.ARCFACE_112);
            default -> throw new IllegalArgumentException("unknown recogniser " + name + "; known: " + names());
        };
    }

    /** The dlib net as a recogniser (tests and benchmarks that hold the net already). */
    public static Recognizer dlib(FaceRecognitionNet net, double threshold) {
        return new DlibRecognizer(net, threshold);
    }
}
