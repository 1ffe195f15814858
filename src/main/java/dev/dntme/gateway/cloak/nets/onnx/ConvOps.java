package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import dev.dntme.gateway.cloak.nets.onnx.OnnxOps.Compiler;
import java.util.Arrays;
import java.util.Map;

/** Convolution, pooling and the dense layers (MatMul, Gemm): the ops that carry a network's weights. */
final class ConvOps {

    private ConvOps() {}

    static Map<String, Compiler> ops() {
        return Map.ofEntries(
                Map.entry("Conv", ConvOps::conv),
                Map.entry("AveragePool", ConvOps::averagePool),
                Map.entry("GlobalAveragePool", s -> ElementwiseOps.unary(s,
                        x -> x.mean(new int[] {3}, true).mean(new int[] {2}, true))),
                Map.entry("MatMul", s -> ElementwiseOps.binary(s, NDArray::matMul)),
                Map.entry("Gemm", ConvOps::gemm));
    }

    private static Kernel conv(OpSite s) {
        s.allow(2, 3, "dilations", "group", "kernel_shape", "pads", "strides", "auto_pad");
        NDArray w = s.constant(1, "Conv weight");
        if (w.getShape().dimension() != 4) {
            throw s.unsupported("a " + (w.getShape().dimension() - 2) + "-D convolution");
        }
        noAutoPad(s);
        long[] kernel = s.ints("kernel_shape", new long[] {w.getShape().get(2), w.getShape().get(3)});
        if (kernel[0] != w.getShape().get(2) || kernel[1] != w.getShape().get(3)) {
            throw s.unsupported("kernel_shape " + Arrays.toString(kernel) + " unlike the weight's " + w.getShape());
        }
        Shape strides = new Shape(s.ints("strides", new long[] {1, 1}));
        Shape dilations = new Shape(s.ints("dilations", new long[] {1, 1}));
        Shape pads = symmetricPads(s);
        int groups = (int) s.i("group", 1);
        NDArray b = s.present(2) ? s.constant(2, "Conv bias") : null;
        return new ConvKernel(w, b, strides, pads, dilations, groups, ConvKernel.BatchMode.PER_SAMPLE);
    }

    private static Kernel averagePool(OpSite s) {
        s.allow(1, 1, "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides", "auto_pad");
        noAutoPad(s);
        long[] kernel = s.ints("kernel_shape", null);
        if (kernel == null || kernel.length != 2) {
            throw s.unsupported("kernel_shape " + Arrays.toString(kernel) + " (2-D pooling only)");
        }
        Shape strides = new Shape(s.ints("strides", new long[] {1, 1}));
        Shape pads = symmetricPads(s);
        boolean ceil = s.i("ceil_mode", 0) != 0;
        boolean countPad = s.i("count_include_pad", 0) != 0;
        Shape k = new Shape(kernel);
        return (in, m) -> new NDArray[] {Pool.avgPool2d(in[0], k, strides, pads, ceil, countPad)};
    }

    private static void noAutoPad(OpSite s) {
        String autoPad = s.s("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET")) {
            throw s.unsupported("auto_pad " + autoPad);
        }
    }

    /** ONNX pads are [top, left, bottom, right]; DJL/PyTorch take one pad per side pair. */
    private static Shape symmetricPads(OpSite s) {
        long[] p = s.ints("pads", new long[] {0, 0, 0, 0});
        if (p.length != 4 || p[0] != p[2] || p[1] != p[3]) {
            throw s.unsupported("asymmetric pads " + Arrays.toString(p));
        }
        return new Shape(p[0], p[1]);
    }

    /** Gemm as PyTorch's linear (x W^T + b): the weight is kept as [out, in], contiguous, made so at load if transB=0. */
    private static Kernel gemm(OpSite s) {
        s.allow(2, 3, "alpha", "beta", "transA", "transB");
        if (s.i("transA", 0) != 0) {
            throw s.unsupported("transA=1");
        }
        float alpha = s.f("alpha", 1f);
        float beta = s.f("beta", 1f);
        NDArray w = s.constant(1, "Gemm B");
        NDArray weight = s.i("transB", 0) != 0 ? w : OnnxOps.contiguous(w.transpose());
        if (alpha != 1f) {
            weight = weight.mul(alpha);
        }
        NDArray bias = null;
        if (s.present(2)) {
            NDArray c = s.constant(2, "Gemm C");
            if (c.size() != weight.getShape().get(0)) {
                throw s.unsupported("C of shape " + c.getShape() + " (only a per-output bias)");
            }
            bias = c.reshape(c.size());
            if (beta != 1f) {
                bias = bias.mul(beta);
            }
        }
        NDArray fw = weight;
        NDArray fb = bias;
        return (in, m) -> new NDArray[] {
            (fb == null ? Linear.linear(in[0], fw) : Linear.linear(in[0], fw, fb)).singletonOrThrow()};
    }
}
