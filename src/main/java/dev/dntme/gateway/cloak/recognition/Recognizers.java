package dev.dntme.gateway.cloak.recognition;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recognisers the cloak can put in its loss, by the name configuration uses: a registry of
 * {@link RecognizerDescriptor}s, the built-in seven first (in the order of the wide set), then a platform's own.
 * Loading goes by the descriptor's format alone, so a new recogniser needs no code here.
 */
public final class Recognizers {

    /** Names the service's defaults and the older ensemble settings refer to. */
    public static final String DLIB = "dlib";
    public static final String FACERES = "faceres";
    public static final String MOBILEFACE = "mobileface";

    private final Map<String, RecognizerDescriptor> byName;

    private Recognizers(Map<String, RecognizerDescriptor> byName) {
        this.byName = byName;
    }

    /** The recognisers the project ships, at their own thresholds and locations. */
    public static Recognizers builtIn() {
        return new Recognizers(index(BuiltInRecognizers.ALL));
    }

    /**
     * This registry with face-api's dlib net read from {@code location} ({@code dntme.cloak.model-location}; the same
     * bytes are required there) and matching at {@code threshold} ({@code dntme.cloak.match-threshold}).
     */
    public Recognizers withDlibAt(String location, double threshold) {
        return replacing(descriptor(DLIB).withLocation(location).withThreshold(threshold));
    }

    /** This registry and {@code more}; a name already registered is refused (an own model may not hide a built-in). */
    public Recognizers with(Collection<RecognizerDescriptor> more) {
        Map<String, RecognizerDescriptor> all = new LinkedHashMap<>(byName);
        for (RecognizerDescriptor d : more) {
            if (all.putIfAbsent(d.name(), d) != null) {
                throw new IllegalArgumentException("recogniser " + d.name() + " is registered already; another may not hide it");
            }
        }
        return new Recognizers(all);
    }

    public Recognizers with(RecognizerDescriptor more) {
        return with(List.of(more));
    }

    /** This registry with a registered descriptor replaced by another of the same name (a configured threshold). */
    public Recognizers replacing(RecognizerDescriptor d) {
        descriptor(d.name());
        Map<String, RecognizerDescriptor> all = new LinkedHashMap<>(byName);
        all.put(d.name(), d);
        return new Recognizers(all);
    }

    /** Every name, in registration order. */
    public Set<String> names() {
        return java.util.Collections.unmodifiableSet(byName.keySet());
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    public RecognizerDescriptor descriptor(String name) {
        RecognizerDescriptor d = byName.get(name);
        if (d == null) {
            throw new IllegalArgumentException("unknown recogniser " + name + "; known: " + byName.keySet());
        }
        return d;
    }

    /** Loads a recogniser into a child of {@code manager}, its files checked against the descriptor's SHA-256. */
    public Recognizer load(String name, NDManager manager) {
        return load(descriptor(name), manager);
    }

    /** Loads any descriptor, registered or not. */
    public static Recognizer load(RecognizerDescriptor d, NDManager manager) {
        return switch (d.format()) {
            case FACE_API_DLIB -> DlibRecognizer.load(d, manager);
            case TFJS_GRAPH -> TfjsRecognizer.load(d, manager);
            case ONNX -> OnnxRecognizer.load(d, manager);
        };
    }

    /** A TF.js recogniser's graph settings, for tests and benchmarks that run the graph itself. */
    public dev.dntme.gateway.cloak.nets.TfjsGraphRecognizer.Spec tfjsSpec(String name) {
        return TfjsRecognizer.spec(descriptor(name));
    }

    /** The dlib net as a recogniser (tests and benchmarks that hold the net already). */
    public static Recognizer dlib(FaceRecognitionNet net, double threshold) {
        return new DlibRecognizer(BuiltInRecognizers.DLIB.withThreshold(threshold), net);
    }

    private static Map<String, RecognizerDescriptor> index(List<RecognizerDescriptor> descriptors) {
        Map<String, RecognizerDescriptor> m = new LinkedHashMap<>();
        descriptors.forEach(d -> m.put(d.name(), d));
        return m;
    }
}
