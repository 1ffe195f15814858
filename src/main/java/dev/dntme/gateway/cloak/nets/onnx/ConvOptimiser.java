package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.dntme.gateway.cloak.nets.onnx.ConvKernel.BatchMode;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The load-time rewrites of a graph's convolutions, which change no result beyond rounding: Conv+Add/Mul folding
 * (fewer passes over the activations) and, per conv, the batch mode it was checked to compute correctly in (see
 * {@link ConvKernel} for why a conv cannot simply run batched).
 */
final class ConvOptimiser {

    /** Per-conv check tolerance: batched vs per-sample conv outputs and input gradients, relative to the largest. */
    private static final double CONV_CHECK_RELATIVE_TOLERANCE = 1e-4;

    private ConvOptimiser() {}

    /**
     * Folds a Conv followed by an Add or Mul of a per-output-channel (or single) constant into the conv's bias or
     * weights, when the conv's output has no other reader: {@code conv(x, W) + b + c} is {@code conv(x, W, b + c)},
     * {@code (conv(x, W) + b) * s} is {@code conv(x, W * s, b * s)}. Repeated, so Conv-Mul-Add chains fold too.
     * The folded step keeps the conv's inputs (so its weights stay alive) and takes over the Add's or Mul's outputs.
     */
    static List<Step> foldConvAffine(List<Step> steps, List<NDArray> constants, int outputSlot, NDManager manager) {
        List<Step> out = new ArrayList<>(steps);
        Map<Integer, Integer> readers = new HashMap<>();
        for (Step s : out) {
            for (int i : s.in()) {
                readers.merge(i, 1, Integer::sum);
            }
        }
        for (int i = 0; i < out.size(); i++) {
            while (out.get(i).kernel() instanceof ConvKernel ck) {
                Step conv = out.get(i);
                int o = conv.out()[0];
                if (o == outputSlot || readers.getOrDefault(o, 0) != 1) {
                    break;
                }
                int j = i + 1;
                while (j < out.size() && !reads(out.get(j), o)) {
                    j++;
                }
                if (j == out.size()) {
                    break;
                }
                Step next = out.get(j);
                String op = next.node().getOpType();
                if (!(op.equals("Add") || op.equals("Mul")) || next.in().length != 2 || next.in()[0] == next.in()[1]) {
                    break;
                }
                int other = next.in()[0] == o ? next.in()[1] : next.in()[0];
                NDArray c = other < 0 ? null : constants.get(other);
                if (c == null || !ck.isPerChannel(c)) {
                    break;
                }
                ConvKernel folded = op.equals("Add") ? ck.plusBias(c, manager) : ck.times(c, manager);
                NodeProto merged = conv.node().toBuilder().setName(conv.node().getName() + "+" + next.node().getName())
                        .clearOutput().addAllOutput(next.node().getOutputList()).build();
                out.set(i, new Step(merged, folded, conv.in(), next.out(), false));
                out.remove(j);
            }
        }
        return out;
    }

    private static boolean reads(Step s, int slot) {
        for (int i : s.in()) {
            if (i == slot) {
                return true;
            }
        }
        return false;
    }

    /**
     * For each conv, at the input shape it gets for this graph's declared input size: a random batch of
     * {@link ConvKernel#CHECKED_BATCH} through the batched conv must give the per-sample conv's outputs and input
     * gradient (relative {@value #CONV_CHECK_RELATIVE_TOLERANCE}); those convs run batched. A conv that fails and
     * whose stride equals its kernel is tried as a patch matrix product ({@link BatchMode#PATCHES}) the same way;
     * the rest run one sample at a time. Without a fixed input size every conv stays per sample.
     */
    static List<Step> chooseConvBatchModes(OnnxGraph graph, List<String> report) {
        long[] inputDims = graph.inputDims();
        if (inputDims[2] <= 0 || inputDims[3] <= 0) {
            report.add("input size not fixed: every conv per sample");
            return graph.steps();
        }
        List<Step> out = new ArrayList<>(graph.steps());
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager pass = graph.manager().newSubManager()) {
            long c = inputDims[1] > 0 ? inputDims[1] : 3;
            JniUtils.setGradMode(false);
            NDArray[] v = graph.run(pass, pass.randomUniform(-1f, 1f, new Shape(1, c, inputDims[2], inputDims[3])));
            JniUtils.setGradMode(true);
            for (int i = 0; i < out.size(); i++) {
                Step s = out.get(i);
                if (s.kernel() instanceof ConvKernel ck) {
                    Shape one = v[s.in()[0]].getShape();
                    BatchMode mode = BatchMode.PER_SAMPLE;
                    StringBuilder line = new StringBuilder(OnnxModel.describe(s.node()) + " input " + one + " " + ck.describe() + ":");
                    for (BatchMode candidate : ck.patchable() ? new BatchMode[] {BatchMode.BATCHED, BatchMode.PATCHES}
                            : new BatchMode[] {BatchMode.BATCHED}) {
                        double[] err = convError(ck, candidate, one, pass);
                        line.append(String.format(" %s vs per sample: output %.1e, input gradient %.1e;", candidate, err[0],
                                err[1]));
                        if (err[0] <= CONV_CHECK_RELATIVE_TOLERANCE && err[1] <= CONV_CHECK_RELATIVE_TOLERANCE) {
                            mode = candidate;
                            break;
                        }
                    }
                    out.set(i, new Step(s.node(), ck.withMode(mode), s.in(), s.out(), s.shapeOnly()));
                    report.add(line.append(" -> ").append(mode).toString());
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return out;
    }

    /** Max |candidate - per sample| / max |per sample| of one conv's output and of its input gradient (random data). */
    private static double[] convError(ConvKernel ck, BatchMode candidate, Shape one, NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            Shape batch = new Shape(ConvKernel.CHECKED_BATCH, one.get(1), one.get(2), one.get(3));
            float[] data = m.randomUniform(-1f, 1f, batch).toFloatArray();
            float[][] batched = convAndGradient(ck, candidate, data, batch, m);
            float[][] single = convAndGradient(ck, BatchMode.PER_SAMPLE, data, batch, m);
            return new double[] {relativeDifference(batched[0], single[0]), relativeDifference(batched[1], single[1])};
        }
    }

    /** The conv's output for {@code data}, and the gradient to {@code data} of sum(output * fixed pseudo-random weights). */
    private static float[][] convAndGradient(ConvKernel ck, BatchMode mode, float[] data, Shape shape, NDManager m) {
        NDArray x = m.create(data, shape);
        x.setRequiresGradient(true);
        NDArray y = ck.apply(x, mode);
        float[] r = new float[(int) y.size()];
        java.util.Random rng = new java.util.Random(1);
        for (int k = 0; k < r.length; k++) {
            r[k] = rng.nextFloat() * 2 - 1;
        }
        NDArray loss = y.mul(m.create(r, y.getShape())).sum();
        JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(loss.getShape()), false, false);
        return new float[][] {y.toFloatArray(), x.getGradient().toFloatArray()};
    }
    /** max |a - ref| / max |ref|; a NaN gives NaN, which fails any {@code <=} check. */
    private static double relativeDifference(float[] a, float[] ref) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs(a[i] - ref[i]);
            diff = Double.isNaN(d) ? Double.NaN : Math.max(diff, d);
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return diff / scale;
    }
}
