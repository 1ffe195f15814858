package dev.dntme.gateway.cloak.nets.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each adopted recogniser, run by the interpreter on its own five-point crops of src/test/resources/faces/people,
 * puts every same-person pair under its threshold and every different-person pair over it.
 */
class SurrogateIdentityTest {

    static final int SAME_PERSON_PAIRS = 14;
    static final int DIFFERENT_PERSON_PAIRS = 91;

    @ParameterizedTest
    @ValueSource(strings = {"edgeface-xs", "edgeface-xxs", "mobilefacenet-y1", "intel-reid-0095"})
    void sameDistancesFallUnderTheThresholdAndDifferentOnesOver(String name) {
        SurrogateModel spec = SurrogateModel.named(name);
        List<float[]> embeddings = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch"); OnnxGraph graph = spec.load(manager)) {
            for (float[] crop : TestFaces.crops(spec)) {
                try (NDManager pass = manager.newSubManager()) {
                    embeddings.add(graph.forward(spec.toInput(pass.create(crop, new Shape(1, 3, spec.height(), spec.width()))))
                            .toFloatArray());
                }
            }
        }
        List<String> who = TestFaces.who();
        List<Double> same = new ArrayList<>(), different = new ArrayList<>();
        for (int i = 0; i < who.size(); i++) {
            for (int j = i + 1; j < who.size(); j++) {
                double d = SurrogateModel.distance(embeddings.get(i), embeddings.get(j));
                (who.get(i).equals(who.get(j)) ? same : different).add(d);
            }
        }
        double sameMax = same.stream().mapToDouble(d -> d).max().orElseThrow();
        double differentMin = different.stream().mapToDouble(d -> d).min().orElseThrow();
        System.out.printf("%s: same %d pairs %.3f..%.3f | different %d pairs %.3f..%.3f | gap midpoint %.3f | threshold %.3f%n",
                name, same.size(), same.stream().mapToDouble(d -> d).min().orElseThrow(), sameMax, different.size(),
                differentMin, different.stream().mapToDouble(d -> d).max().orElseThrow(), (sameMax + differentMin) / 2,
                spec.threshold());
        assertEquals(SAME_PERSON_PAIRS, same.size());
        assertEquals(DIFFERENT_PERSON_PAIRS, different.size());
        assertTrue(sameMax < spec.threshold(), "a same-person pair at " + sameMax);
        assertTrue(differentMin > spec.threshold(), "a different-person pair at " + differentMin);
    }
}
