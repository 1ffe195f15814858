package dev.dntme.gateway.cloak.nets.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gradients flow back through the interpreter to the input pixels (as the cloak's optimiser needs): finite and
 * not zero, for a batch of two real faces, through the spec's colour order and scaling as well.
 */
class OnnxGraphGradientTest {

    @ParameterizedTest
    @ValueSource(strings = {"edgeface-xs", "edgeface-xxs", "mobilefacenet-y1", "intel-reid-0095"})
    void gradientWithRespectToTheInputPixelsIsFiniteAndNonZero(String name) {
        SurrogateModel spec = SurrogateModel.named(name);
        float[] a = TestFaces.crops(spec).get(0), b = TestFaces.crops(spec).get(5);
        float[] both = new float[a.length * 2];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        boolean mode = JniUtils.isGradMode();
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch"); OnnxGraph graph = spec.load(manager);
                NDManager pass = manager.newSubManager()) {
            JniUtils.setGradMode(true);
            NDArray pixels = pass.create(both, new Shape(2, 3, spec.height(), spec.width()));
            pixels.setRequiresGradient(true);
            NDArray emb = graph.forward(spec.toInput(pixels));
            // a loss like the cloak's: squared distance of the two faces' embeddings
            NDArray loss = emb.get("0").sub(emb.get("1")).square().sum();
            JniUtils.backward((PtNDArray) loss, (PtNDArray) pass.ones(loss.getShape()), false, false);
            float[] g = pixels.getGradient().toFloatArray();
            double norm = 0;
            for (float v : g) {
                assertTrue(Float.isFinite(v), "non-finite gradient");
                norm += (double) v * v;
            }
            System.out.printf("%s: |d loss / d pixels| = %.3e%n", name, Math.sqrt(norm));
            assertTrue(norm > 0, "zero gradient");
        } finally {
            JniUtils.setGradMode(mode);
        }
    }
}
