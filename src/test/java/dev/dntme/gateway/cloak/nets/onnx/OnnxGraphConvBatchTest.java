package dev.dntme.gateway.cloak.nets.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The load-time optimisations (Conv+Add/Mul folding, per-conv batch mode) change no result: the optimised graph's
 * outputs and input gradients at batch 1, 2 and 3 match the unoptimised graph's (every conv one sample at a time).
 * Prints each conv's batch check.
 */
class OnnxGraphConvBatchTest {

    static final double TOLERANCE = 1e-4;
    /**
     * Input gradients, relative L2 (see {@link #relativeL2}). Not 1e-4: the gradient of a PRelu net jumps where a
     * unit's input rounds to the other side of 0, and folding or another conv algorithm rounds differently
     * (measured on uniform-noise inputs: from 2e-6 up to 5e-3 vs the unfolded per-sample graph; a 1e-6 relative nudge of
     * the input itself moves it by 3e-6 to 5e-6).
     */
    static final double GRADIENT_TOLERANCE = 1e-2;

    @ParameterizedTest
    @ValueSource(strings = {"edgeface-xs", "edgeface-xxs", "mobilefacenet-y1", "intel-reid-0095"})
    void optimisedGraphGivesTheUnoptimisedOutputsAndGradients(String name) {
        SurrogateModel spec = SurrogateModel.named(name);
        ai.djl.engine.Engine.getEngine("PyTorch"); // loads the natives before JniUtils is called
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
                OnnxGraph plain = OnnxGraph.load(manager, spec.file(), spec.sha256(), false);
                OnnxGraph fast = OnnxGraph.load(manager, spec.file(), spec.sha256(), true)) {
            long batched = fast.convReport().stream().filter(l -> l.endsWith("-> BATCHED")).count();
            System.out.printf("%s: %d steps -> %d; %d convs, %d batched; threads %d%n", name, plain.stepCount(),
                    fast.stepCount(), fast.convReport().size(), batched, JniUtils.getNumThreads());
            fast.convReport().stream().filter(l -> !l.endsWith("-> BATCHED")).forEach(l -> System.out.println("  " + l));
            assertEquals(plain.outputSize(), fast.outputSize());
            JniUtils.setGradMode(true);
            for (int n : new int[] {1, 2, 3}) {
                try (NDManager pass = manager.newSubManager()) {
                    float[] pixels = pass.randomUniform(0f, 255f, new Shape(n, 3, spec.height(), spec.width())).toFloatArray();
                    float[][] slow = outputAndGradient(plain, spec, pass, pixels, n);
                    float[][] batch = outputAndGradient(fast, spec, pass, pixels, n);
                    float[][] singles = {new float[batch[0].length], new float[batch[1].length]};
                    int per = pixels.length / n;
                    for (int k = 0; k < n; k++) {
                        float[][] one = outputAndGradient(fast, spec, pass, java.util.Arrays.copyOfRange(pixels, k * per, (k + 1) * per), 1);
                        System.arraycopy(one[0], 0, singles[0], k * one[0].length, one[0].length);
                        System.arraycopy(one[1], 0, singles[1], k * one[1].length, one[1].length);
                    }
                    double out = relative(batch[0], slow[0]);
                    double outSingles = relative(batch[0], singles[0]);
                    double gradSingles = relativeL2(batch[1], singles[1]);
                    double gradPlain = relativeL2(batch[1], slow[1]);
                    System.out.printf("%s batch %d: output vs plain %.1e, vs singles %.1e; input gradient (relative L2) vs singles "
                            + "%.1e, vs plain %.1e%n", name, n, out, outSingles, gradSingles, gradPlain);
                    assertTrue(out < TOLERANCE, "output " + out);
                    assertTrue(outSingles < TOLERANCE, "output " + outSingles);
                    assertTrue(gradSingles < GRADIENT_TOLERANCE, "gradient vs singles " + gradSingles);
                    assertTrue(gradPlain < GRADIENT_TOLERANCE, "gradient vs plain " + gradPlain);
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** PyTorch picks its convolution path partly by the intra-op thread count: the per-conv decisions at 1 and 2 threads. */
    @ParameterizedTest
    @ValueSource(strings = {"edgeface-xs", "edgeface-xxs", "mobilefacenet-y1", "intel-reid-0095"})
    void perConvDecisionsAtOneAndTwoThreads(String name) {
        SurrogateModel spec = SurrogateModel.named(name);
        ai.djl.engine.Engine.getEngine("PyTorch");
        int threads = JniUtils.getNumThreads();
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            for (int t : new int[] {1, 2}) {
                JniUtils.setNumThreads(t);
                try (OnnxGraph g = OnnxGraph.load(manager, spec.file(), spec.sha256(), true)) {
                    System.out.printf("%s, %d thread(s): %d convs, %d batched%n", name, t, g.convReport().size(),
                            g.convReport().stream().filter(l -> l.endsWith("-> BATCHED")).count());
                    g.convReport().forEach(l -> System.out.println("  " + l));
                }
            }
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    private static float[][] outputAndGradient(OnnxGraph g, SurrogateModel spec, NDManager pass, float[] pixels, int n) {
        NDArray x = pass.create(pixels, new Shape(n, 3, spec.height(), spec.width()));
        x.setRequiresGradient(true);
        NDArray emb = g.forward(spec.toInput(x));
        NDArray loss = emb.square().sum();
        JniUtils.backward((PtNDArray) loss, (PtNDArray) pass.ones(loss.getShape()), false, false);
        return new float[][] {emb.toFloatArray(), x.getGradient().toFloatArray()};
    }

    /** ||a - ref|| / ||ref||: a PRelu/ReLU input that rounds to the other side of 0 moves single elements only. */
    static double relativeL2(float[] a, float[] ref) {
        double diff = 0, norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += (a[i] - ref[i]) * (double) (a[i] - ref[i]);
            norm += ref[i] * (double) ref[i];
        }
        return Math.sqrt(diff / norm);
    }

    static double relative(float[] a, float[] ref) {
        double diff = 0, scale = 0;
        for (int i = 0; i < ref.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - ref[i]));
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return diff / scale;
    }
}
