package dev.dntme.gateway.cloak.recognition;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import dev.dntme.gateway.cloak.nets.FaceRes;
import dev.dntme.gateway.cloak.nets.MobileFace;
import dev.dntme.gateway.cloak.nets.TfjsGraphRecognizer;
import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The recognisers the cloak can put in its loss, by the name configuration uses. */
public final class Recognizers {

    public static final String DLIB = "dlib";
    public static final String FACERES = "faceres";
    public static final String MOBILEFACE = "mobileface";

    private Recognizers() {}

    /** Every name, the face-api and human-models nets first, then the ONNX surrogates. */
    public static Set<String> names() {
        Set<String> names = new LinkedHashSet<>(List.of(DLIB, FACERES, MOBILEFACE));
        names.addAll(SurrogateModel.builtIn().keySet());
        return names;
    }

    /**
     * Loads a recogniser into a child of {@code manager}.
     *
     * @param faceApiLocation where the face-api weights are (the dlib net)
     * @param dlibThreshold   the dlib match threshold the service is configured with
     */
    public static Recognizer load(String name, NDManager manager, String faceApiLocation, double dlibThreshold) {
        return load(name, manager, faceApiLocation, dlibThreshold, Map.of());
    }

    /** @param onnx a platform's own ONNX recognisers by name (they may not hide a built-in name) */
    public static Recognizer load(String name, NDManager manager, String faceApiLocation, double dlibThreshold,
            Map<String, SurrogateModel> onnx) {
        return switch (name) {
            case DLIB -> new DlibRecognizer(FaceRecognitionNet.load(manager, faceApiLocation), dlibThreshold);
            case FACERES -> new TfjsRecognizer(TfjsGraphRecognizer.load(manager, FaceRes.spec()), Crop.DLIB);
            case MOBILEFACE -> new TfjsRecognizer(TfjsGraphRecognizer.load(manager, MobileFace.spec()), Crop.ARCFACE_112);
            default -> {
                SurrogateModel spec = SurrogateModel.builtIn().getOrDefault(name, onnx.get(name));
                if (spec == null) {
                    throw new IllegalArgumentException("unknown recogniser " + name + "; known: " + names() + " and " + onnx.keySet());
                }
                yield new OnnxRecognizer(spec, manager);
            }
        };
    }

    /** The dlib net as a recogniser (tests and benchmarks that hold the net already). */
    public static Recognizer dlib(FaceRecognitionNet net, double threshold) {
        return new DlibRecognizer(net, threshold);
    }
}
