package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import dev.dntme.gateway.cloak.nets.onnx.OnnxOps.Compiler;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/** Elementwise operators, activations and reductions over axes. */
final class ElementwiseOps {

    private ElementwiseOps() {}

    static Map<String, Compiler> ops() {
        return Map.ofEntries(
                Map.entry("Identity", s -> unary(s, x -> x)),
                Map.entry("Add", s -> binary(s, NDArray::add)),
                Map.entry("Sub", s -> binary(s, NDArray::sub)),
                Map.entry("Mul", s -> binary(s, NDArray::mul)),
                Map.entry("Div", s -> binary(s, ElementwiseOps::divide)),
                Map.entry("Pow", ElementwiseOps::pow),
                Map.entry("Sqrt", s -> unary(s, NDArray::sqrt)),
                Map.entry("Erf", s -> unary(s, NDArray::erf)),
                Map.entry("Sin", s -> unary(s, NDArray::sin)),
                Map.entry("Cos", s -> unary(s, NDArray::cos)),
                Map.entry("Sigmoid", s -> unary(s, Activation::sigmoid)),
                Map.entry("Not", s -> unary(s, NDArray::logicalNot)),
                Map.entry("Cast", ElementwiseOps::cast),
                Map.entry("Clip", ElementwiseOps::clip),
                Map.entry("PRelu", ElementwiseOps::prelu),
                Map.entry("Softmax", ElementwiseOps::softmax),
                Map.entry("ReduceMean", s -> reduce(s, (x, axis, keep) -> x.mean(new int[] {axis}, keep))),
                Map.entry("ReduceL2", s -> reduce(s, (x, axis, keep) -> x.norm(2, new int[] {axis}, keep))),
                Map.entry("CumSum", ElementwiseOps::cumSum));
    }

    static Kernel unary(OpSite s, UnaryOperator<NDArray> f) {
        s.allow(1, 1);
        return (in, m) -> new NDArray[] {f.apply(in[0])};
    }

    static Kernel binary(OpSite s, BinaryOperator<NDArray> f) {
        s.allow(2, 2);
        return (in, m) -> new NDArray[] {f.apply(in[0], in[1])};
    }

    /** ONNX integer Div truncates; PyTorch's div of two int64 tensors would give a float. */
    private static NDArray divide(NDArray a, NDArray b) {
        if (a.getDataType().isInteger() && b.getDataType().isInteger()) {
            DataType t = a.getDataType();
            return a.toType(DataType.FLOAT64, false).div(b.toType(DataType.FLOAT64, false)).trunc().toType(t, false);
        }
        return a.div(b);
    }

    private static Kernel pow(OpSite s) {
        s.allow(2, 2);
        if (s.present(1) && s.constants()[1] != null && s.constants()[1].size() == 1) {
            float e = s.constants()[1].toType(DataType.FLOAT32, false).getFloat();
            if (e == 2f) {
                return (in, m) -> new NDArray[] {in[0].square()};
            }
            return (in, m) -> new NDArray[] {in[0].pow(e)};
        }
        return (in, m) -> new NDArray[] {in[0].pow(in[1])};
    }

    private static Kernel cast(OpSite s) {
        s.allow(1, 1, "to");
        DataType to = OnnxTensor.djlType((int) s.i("to", -1), s.describe());
        // DJL's cast does not record autograd: the interpreter only lets shape-only or constant values through
        // a type-changing Cast (checked when the graph is analysed), so a no-op cast is returned as is.
        return (in, m) -> new NDArray[] {in[0].getDataType() == to ? in[0] : in[0].toType(to, false)};
    }

    private static Kernel clip(OpSite s) {
        s.allow(1, 3);
        float lo = s.present(1) ? s.constant(1, "Clip min").toType(DataType.FLOAT32, false).getFloat() : -Float.MAX_VALUE;
        float hi = s.present(2) ? s.constant(2, "Clip max").toType(DataType.FLOAT32, false).getFloat() : Float.MAX_VALUE;
        return (in, m) -> new NDArray[] {in[0].clip(lo, hi)};
    }

    /**
     * x where x > 0, slope * x elsewhere (slope broadcast as ONNX does). DJL's PyTorch engine does not implement
     * prelu; a single slope is PyTorch's leaky_relu (one op), other slopes relu(x) + slope * min(x, 0).
     */
    private static Kernel prelu(OpSite s) {
        s.allow(2, 2);
        NDArray slope = s.constant(1, "PRelu slope");
        if (slope.size() == 1) {
            float a = slope.toType(DataType.FLOAT32, false).getFloat();
            return (in, m) -> new NDArray[] {Activation.leakyRelu(in[0], a)};
        }
        return (in, m) -> new NDArray[] {Activation.relu(in[0]).add(in[0].minimum(0f).mul(slope))};
    }

    private static Kernel softmax(OpSite s) {
        s.allow(1, 1, "axis");
        long axis = s.i("axis", s.opset() >= 13 ? -1 : 1);
        // before opset 13 Softmax flattened the input from `axis` on: the same as a one-axis softmax only for the last axis
        if (s.opset() < 13 && axis != -1) {
            throw s.unsupported("opset " + s.opset() + " Softmax over axis " + axis);
        }
        return (in, m) -> new NDArray[] {in[0].softmax((int) axis)};
    }

    @FunctionalInterface
    private interface AxisReduction {
        NDArray apply(NDArray x, int axis, boolean keepDims);
    }

    private static Kernel reduce(OpSite s, AxisReduction r) {
        s.allow(1, 2, "axes", "keepdims", "noop_with_empty_axes");
        if (s.i("noop_with_empty_axes", 0) != 0) {
            throw s.unsupported("noop_with_empty_axes=1");
        }
        long[] axes = s.present(1) ? s.constantLongs(1, "axes") : s.ints("axes", null);
        if (axes == null || axes.length == 0) {
            throw s.unsupported("a reduction over all axes");
        }
        boolean keep = s.i("keepdims", 1) != 0;
        return (in, m) -> {
            int rank = in[0].getShape().dimension();
            int[] sorted = Arrays.stream(axes).mapToInt(a -> (int) (a < 0 ? a + rank : a)).sorted().toArray();
            NDArray x = in[0];
            for (int k = sorted.length - 1; k >= 0; k--) { // from the last axis down, so that earlier indices hold
                x = r.apply(x, sorted[k], keep);
            }
            return new NDArray[] {x};
        };
    }

    private static Kernel cumSum(OpSite s) {
        s.allow(2, 2, "exclusive", "reverse");
        if (s.i("exclusive", 0) != 0 || s.i("reverse", 0) != 0) {
            throw s.unsupported("exclusive or reverse CumSum");
        }
        long axis = s.constantLongs(1, "CumSum axis")[0];
        return (in, m) -> new NDArray[] {in[0].cumSum((int) (axis < 0 ? axis + in[0].getShape().dimension() : axis))};
    }
}
