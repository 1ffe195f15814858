package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Milliseconds per pass of each adopted graph (forward only, and forward + backward to the input pixels), batch 1
 * and 2, 1 and 2 intra-op threads, "before" (every conv per sample, no Conv+Add/Mul folding: {@code optimise=false})
 * and "after" (as loaded in production): median of {@value #PASSES} passes after {@value #WARM_UP} warm-up passes.
 * Prints; asserts nothing. Run: {@code mvn -B -o -q test -Pbenchmark -Dtest=OnnxGraphBenchmark}; {@code -Dbenchmark.threads=1}
 * measures one thread count only (default: 1 and 2).
 */
@Tag("benchmark")
class OnnxGraphBenchmark {

    static final int WARM_UP = 5;
    static final int PASSES = 20;

    @Test
    void passTimes() {
        ai.djl.engine.Engine.getEngine("PyTorch"); // loads the natives before JniUtils is called
        int threads = JniUtils.getNumThreads();
        System.out.println("| model | threads | batch | forward ms before | after | forward+backward ms before | after |");
        System.out.println("|---|---|---|---|---|---|---|");
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            for (SurrogateModel spec : SurrogateModel.builtIn().values()) {
                try (OnnxGraph before = OnnxGraph.load(manager, spec.file(), spec.sha256(), false);
                        OnnxGraph after = spec.load(manager)) {
                    for (int t : threadCounts()) {
                        JniUtils.setNumThreads(t);
                        for (int batch : new int[] {1, 2}) {
                            // interleaved, so that both see the same machine load
                            double fwd0 = median(before, spec, manager, batch, false);
                            double fwd1 = median(after, spec, manager, batch, false);
                            double both0 = median(before, spec, manager, batch, true);
                            double both1 = median(after, spec, manager, batch, true);
                            System.out.printf("| %s | %d | %d | %.1f | %.1f | %.1f | %.1f |%n", spec.name(), t, batch,
                                    fwd0, fwd1, both0, both1);
                        }
                    }
                }
            }
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    private static int[] threadCounts() {
        return Arrays.stream(System.getProperty("benchmark.threads", "1,2").split(",")).map(String::trim)
                .mapToInt(Integer::parseInt).toArray();
    }

    private static double median(OnnxGraph graph, SurrogateModel spec, NDManager manager, int batch, boolean backward) {
        double[] ms = new double[PASSES];
        boolean mode = JniUtils.isGradMode();
        try {
            JniUtils.setGradMode(backward);
            for (int i = -WARM_UP; i < PASSES; i++) {
                try (NDManager pass = manager.newSubManager()) {
                    NDArray pixels = pass.randomUniform(0f, 255f, new Shape(batch, 3, spec.height(), spec.width()));
                    pixels.setRequiresGradient(backward);
                    long t0 = System.nanoTime();
                    NDArray emb = graph.forward(spec.toInput(pixels));
                    if (backward) {
                        NDArray loss = emb.square().sum();
                        JniUtils.backward((PtNDArray) loss, (PtNDArray) pass.ones(loss.getShape()), false, false);
                        pixels.getGradient().toFloatArray();
                    } else {
                        emb.toFloatArray();
                    }
                    if (i >= 0) {
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(mode);
        }
        Arrays.sort(ms);
        return ms[PASSES / 2];
    }
}
