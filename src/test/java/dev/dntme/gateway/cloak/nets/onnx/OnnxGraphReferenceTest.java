package dev.dntme.gateway.cloak.nets.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each adopted graph, run by the interpreter on PyTorch, gives ONNX Runtime's outputs: on random inputs over
 * the graph's input range and on the aligned faces of src/test/resources/faces/people.
 */
class OnnxGraphReferenceTest {

    /** Largest |interpreter - ONNX Runtime| allowed, as a fraction of the embedding's largest |component|. */
    static final double MAX_ERROR_RELATIVE_TO_LARGEST_COMPONENT = 1e-3;
    static final int RANDOM_INPUTS = 4;

    @ParameterizedTest
    @ValueSource(strings = {"edgeface-xs", "edgeface-xxs", "mobilefacenet-y1", "intel-reid-0095"})
    void interpreterMatchesOnnxRuntimeOnRandomInputsAndRealFaces(String name) {
        SurrogateModel spec = SurrogateModel.named(name);
        Random rng = new Random(7);
        double worstRandom = 0, worstFace = 0;
        int size;
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
                OnnxGraph graph = OnnxGraph.load(manager, spec.file(), spec.sha256());
                OrtReference ort = new OrtReference(TestModels.path(spec).toString())) {
            int c = graph.inputChannels(), h = graph.inputHeight(), w = graph.inputWidth();
            for (int k = 0; k < RANDOM_INPUTS; k++) {
                float[] rgb = new float[c * h * w];
                for (int i = 0; i < rgb.length; i++) {
                    rgb[i] = rng.nextFloat() * 255f;
                }
                worstRandom = Math.max(worstRandom, relativeError(spec, graph, ort, manager, rgb));
            }
            for (float[] face : TestFaces.crops(spec)) {
                worstFace = Math.max(worstFace, relativeError(spec, graph, ort, manager, face));
            }
            size = graph.outputSize();
        }
        System.out.printf("%s: max |interpreter - onnxruntime| / max |embedding|: random %.2e, faces %.2e%n",
                name, worstRandom, worstFace);
        assertEquals(spec.embeddingSize(), size);
        assertTrue(worstRandom < MAX_ERROR_RELATIVE_TO_LARGEST_COMPONENT, "random inputs: " + worstRandom);
        assertTrue(worstFace < MAX_ERROR_RELATIVE_TO_LARGEST_COMPONENT, "faces: " + worstFace);
    }

    /** EdgeFace's graphs take any batch size (the others declare batch 1 to ONNX Runtime): a batch of two faces matches too. */
    @ParameterizedTest
    @ValueSource(strings = {"edgeface-xs", "edgeface-xxs"})
    void aBatchOfTwoFacesMatchesOnnxRuntime(String name) {
        SurrogateModel spec = SurrogateModel.named(name);
        float[] a = TestFaces.crops(spec).get(0), b = TestFaces.crops(spec).get(7);
        float[] both = new float[2 * a.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, a.length);
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
                OnnxGraph graph = OnnxGraph.load(manager, spec.file(), spec.sha256());
                OrtReference ort = new OrtReference(TestModels.path(spec).toString())) {
            var input = spec.toInput(manager.create(both, new Shape(2, 3, spec.height(), spec.width())));
            float[] ours = graph.forward(input).toFloatArray();
            float[] ref = ort.run(input.toFloatArray(), 2, 3, spec.height(), spec.width());
            double err = 0, scale = 0;
            for (int i = 0; i < ref.length; i++) {
                err = Math.max(err, Math.abs(ours[i] - ref[i]));
                scale = Math.max(scale, Math.abs(ref[i]));
            }
            System.out.printf("%s batch 2: max |interpreter - onnxruntime| / max |embedding| %.2e%n", name, err / scale);
            assertTrue(err / scale < MAX_ERROR_RELATIVE_TO_LARGEST_COMPONENT, "batch of two: " + err / scale);
        }
    }

    /** One RGB 0..255 crop through both runtimes (scaled and channel-ordered per the spec). */
    private static double relativeError(SurrogateModel spec, OnnxGraph graph, OrtReference ort, NDManager manager, float[] rgb) {
        try (NDManager pass = manager.newSubManager()) {
            var input = spec.toInput(pass.create(rgb, new Shape(1, 3, spec.height(), spec.width())));
            float[] ours = graph.forward(input).toFloatArray();
            float[] ref = ort.run(input.toFloatArray(), 3, spec.height(), spec.width());
            assertEquals(ref.length, ours.length);
            double err = 0, scale = 0;
            for (int i = 0; i < ref.length; i++) {
                err = Math.max(err, Math.abs(ours[i] - ref[i]));
                scale = Math.max(scale, Math.abs(ref[i]));
            }
            return err / scale;
        }
    }
}
