package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.AttributeProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.AttributeProto.AttributeType;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.NodeProto;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * The ONNX operators this interpreter runs, each compiled once at load into a {@link Kernel} of DJL
 * NDArray ops (on PyTorch, so autograd records them). Compiling checks every attribute: an attribute
 * that is not listed for the op, or a value this code does not implement (asymmetric pads, auto_pad,
 * transA, negative slice steps, ...), is an {@link UnsupportedOnnxException} at load.
 *
 * <p>Exactly the ops of the four adopted face recognisers (EdgeFace-XS/XXS, MobileFaceNet-y1,
 * face-reidentification-retail-0095) are implemented, for ONNX opsets 11-17 (default domain only).
 */
final class OnnxOps {

    static final long MIN_OPSET = 11;
    static final long MAX_OPSET = 17;

    /** A compiled node: its inputs' values (null for an omitted optional input) to its outputs' values. */
    @FunctionalInterface
    interface Kernel {
        /**
         * @param manager where arrays created from nothing (Shape, ConstantOfShape, Constant) go; ops on
         *                inputs leave their results in the first operand's manager (the interpreter re-homes them)
         */
        NDArray[] run(NDArray[] in, NDManager manager);
    }

    @FunctionalInterface
    private interface Compiler {
        Kernel compile(Site site);
    }

    private static final Map<String, Compiler> OPS = Map.ofEntries(
            Map.entry("Identity", s -> unary(s, x -> x)),
            Map.entry("Constant", OnnxOps::constant),
            Map.entry("Add", s -> binary(s, NDArray::add)),
            Map.entry("Sub", s -> binary(s, NDArray::sub)),
            Map.entry("Mul", s -> binary(s, NDArray::mul)),
            Map.entry("Div", s -> binary(s, OnnxOps::divide)),
            Map.entry("Pow", OnnxOps::pow),
            Map.entry("Sqrt", s -> unary(s, NDArray::sqrt)),
            Map.entry("Erf", s -> unary(s, NDArray::erf)),
            Map.entry("Sin", s -> unary(s, NDArray::sin)),
            Map.entry("Cos", s -> unary(s, NDArray::cos)),
            Map.entry("Sigmoid", s -> unary(s, Activation::sigmoid)),
            Map.entry("Not", s -> unary(s, NDArray::logicalNot)),
            Map.entry("Cast", OnnxOps::cast),
            Map.entry("Clip", OnnxOps::clip),
            Map.entry("PRelu", OnnxOps::prelu),
            Map.entry("Softmax", OnnxOps::softmax),
            Map.entry("Conv", OnnxOps::conv),
            Map.entry("AveragePool", OnnxOps::averagePool),
            Map.entry("GlobalAveragePool", s -> unary(s, x -> x.mean(new int[] {3}, true).mean(new int[] {2}, true))),
            Map.entry("MatMul", s -> binary(s, NDArray::matMul)),
            Map.entry("Gemm", OnnxOps::gemm),
            Map.entry("ReduceMean", s -> reduce(s, (x, axis, keep) -> x.mean(new int[] {axis}, keep))),
            Map.entry("ReduceL2", s -> reduce(s, (x, axis, keep) -> x.norm(2, new int[] {axis}, keep))),
            Map.entry("CumSum", OnnxOps::cumSum),
            Map.entry("Reshape", OnnxOps::reshape),
            Map.entry("Flatten", OnnxOps::flatten),
            Map.entry("Transpose", OnnxOps::transpose),
            Map.entry("Squeeze", OnnxOps::squeeze),
            Map.entry("Unsqueeze", OnnxOps::unsqueeze),
            Map.entry("Concat", OnnxOps::concat),
            Map.entry("Split", OnnxOps::split),
            Map.entry("Slice", OnnxOps::slice),
            Map.entry("Gather", OnnxOps::gather),
            Map.entry("Shape", OnnxOps::shape),
            Map.entry("ConstantOfShape", OnnxOps::constantOfShape),
            Map.entry("Expand", OnnxOps::expand));

    private OnnxOps() {}

    /** The op types implemented, sorted. */
    static Set<String> supported() {
        return new TreeSet<>(OPS.keySet());
    }

    /**
     * @param constants the inputs' values where known at load (initializers, folded constants), else null
     */
    static Kernel compile(NodeProto node, long opset, NDArray[] constants) {
        String domain = OnnxModel.domain(node);
        if (!domain.isEmpty()) {
            throw new UnsupportedOnnxException("unsupported operator domain '" + domain + "' of " + OnnxModel.describe(node));
        }
        Compiler c = OPS.get(node.getOpType());
        if (c == null) {
            throw new UnsupportedOnnxException("unsupported ONNX operator " + OnnxModel.describe(node)
                    + "; this interpreter implements " + supported());
        }
        return c.compile(new Site(node, opset, constants, OnnxModel.attributes(node)));
    }

    /** A node being compiled, with checked access to its attributes and load-time inputs. */
    private record Site(NodeProto node, long opset, NDArray[] constants, Map<String, AttributeProto> attributes) {

        UnsupportedOnnxException unsupported(String what) {
            return new UnsupportedOnnxException(describe() + ": " + what + " is not supported");
        }

        String describe() {
            return OnnxModel.describe(node);
        }

        /** Refuses any attribute not named here, and an input count outside [min, max]. */
        void allow(int minInputs, int maxInputs, String... allowedNames) {
            Set<String> allowed = Set.of(allowedNames);
            for (String a : this.attributes.keySet()) {
                if (!allowed.contains(a)) {
                    throw unsupported("attribute '" + a + "'");
                }
            }
            int n = node.getInputCount();
            if (n < minInputs || n > maxInputs) {
                throw unsupported(n + " inputs");
            }
        }

        boolean has(String name) {
            return attributes.containsKey(name);
        }

        private AttributeProto attr(String name, AttributeType type) {
            AttributeProto a = attributes.get(name);
            if (a != null && a.getType() != type) {
                throw unsupported("attribute '" + name + "' of type " + a.getType());
            }
            return a;
        }

        long i(String name, long otherwise) {
            AttributeProto a = attr(name, AttributeType.INT);
            return a == null ? otherwise : a.getI();
        }

        float f(String name, float otherwise) {
            AttributeProto a = attr(name, AttributeType.FLOAT);
            return a == null ? otherwise : a.getF();
        }

        long[] ints(String name, long[] otherwise) {
            AttributeProto a = attr(name, AttributeType.INTS);
            return a == null ? otherwise : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
        }

        String s(String name, String otherwise) {
            AttributeProto a = attr(name, AttributeType.STRING);
            return a == null ? otherwise : a.getS().toStringUtf8();
        }

        OnnxTensor t(String name) {
            AttributeProto a = attr(name, AttributeType.TENSOR);
            return a == null ? null : OnnxTensor.of(a.getT());
        }

        boolean present(int input) {
            return input < node.getInputCount() && !node.getInput(input).isEmpty();
        }

        /** The load-time value of an input, or an error naming what must be constant. */
        NDArray constant(int input, String what) {
            if (!present(input) || constants[input] == null) {
                throw unsupported(what + " computed at run time");
            }
            return constants[input];
        }

        long[] constantLongs(int input, String what) {
            return longsOf(constant(input, what));
        }

        /** An input's longs: known at load, or read from the run-time value (shape-sized tensors only). */
        java.util.function.Function<NDArray[], long[]> longs(int input) {
            if (!present(input)) {
                return in -> null;
            }
            if (constants[input] != null) {
                long[] v = longsOf(constants[input]);
                return in -> v;
            }
            return in -> longsOf(in[input]);
        }
    }

    /** An integer tensor's values (ONNX allows int32 as well as int64 for indices and axes). */
    static long[] longsOf(NDArray a) {
        if (a.getDataType() == DataType.INT64) {
            return a.toLongArray();
        }
        try (NDArray l = a.toType(DataType.INT64, false)) {
            return l.toLongArray();
        }
    }

    // ---- elementwise ----

    private static Kernel unary(Site s, UnaryOperator<NDArray> f) {
        s.allow(1, 1);
        return (in, m) -> new NDArray[] {f.apply(in[0])};
    }

    private static Kernel binary(Site s, BinaryOperator<NDArray> f) {
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

    private static Kernel pow(Site s) {
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

    private static Kernel cast(Site s) {
        s.allow(1, 1, "to");
        DataType to = OnnxTensor.djlType((int) s.i("to", -1), s.describe());
        // DJL's cast does not record autograd: the interpreter only lets shape-only or constant values through
        // a type-changing Cast (checked when the graph is analysed), so a no-op cast is returned as is.
        return (in, m) -> new NDArray[] {in[0].getDataType() == to ? in[0] : in[0].toType(to, false)};
    }

    private static Kernel clip(Site s) {
        s.allow(1, 3);
        float lo = s.present(1) ? s.constant(1, "Clip min").toType(DataType.FLOAT32, false).getFloat() : -Float.MAX_VALUE;
        float hi = s.present(2) ? s.constant(2, "Clip max").toType(DataType.FLOAT32, false).getFloat() : Float.MAX_VALUE;
        return (in, m) -> new NDArray[] {in[0].clip(lo, hi)};
    }

    /**
     * x where x > 0, slope * x elsewhere (slope broadcast as ONNX does). DJL's PyTorch engine does not implement
     * prelu; a single slope is PyTorch's leaky_relu (one op), other slopes relu(x) + slope * min(x, 0).
     */
    private static Kernel prelu(Site s) {
        s.allow(2, 2);
        NDArray slope = s.constant(1, "PRelu slope");
        if (slope.size() == 1) {
            float a = slope.toType(DataType.FLOAT32, false).getFloat();
            return (in, m) -> new NDArray[] {Activation.leakyRelu(in[0], a)};
        }
        return (in, m) -> new NDArray[] {Activation.relu(in[0]).add(in[0].minimum(0f).mul(slope))};
    }

    private static Kernel softmax(Site s) {
        s.allow(1, 1, "axis");
        long axis = s.i("axis", s.opset() >= 13 ? -1 : 1);
        // before opset 13 Softmax flattened the input from `axis` on: the same as a one-axis softmax only for the last axis
        if (s.opset() < 13 && axis != -1) {
            throw s.unsupported("opset " + s.opset() + " Softmax over axis " + axis);
        }
        return (in, m) -> new NDArray[] {in[0].softmax((int) axis)};
    }

    // ---- convolution, pooling, dense ----

    private static Kernel conv(Site s) {
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
        return new ConvKernel(w, b, strides, pads, dilations, groups, BatchMode.PER_SAMPLE);
    }

    /** How a {@link ConvKernel} runs a batch of more than one sample. */
    enum BatchMode {
        /** In chunks of {@link ConvKernel#CHECKED_BATCH} samples (the batch size its load-time check ran at). */
        BATCHED,
        /**
         * A conv whose stride equals its kernel (no padding, dilation or groups: a "patchify" downsampling) as one
         * matrix product of the weights with the non-overlapping patches, which a reshape and a transpose gather:
         * the same sums without PyTorch's convolution.
         */
        PATCHES,
        /** One sample at a time. */
        PER_SAMPLE
    }

    /**
     * A 2-D convolution with its weights known at load. Measured on this project's CPUs (AMD EPYC, AVX-512),
     * libtorch 2.7.1: for a batch of more than one sample PyTorch switches some convolutions to its oneDNN path,
     * which gave wrong values for some shapes (24 input channels at 28x28 with 2x2 or 3x3 kernels: errors of 40%
     * of the output scale; 100 channels at 7x7, 2x2 stride 2: 6%), while batches of one matched ONNX Runtime to
     * 3e-6 in all four adopted graphs. So a conv is compiled {@link BatchMode#PER_SAMPLE}; the graph, at load,
     * checks each conv at its actual input shape (batch of 2 vs two of 1, values and input gradient) and lets
     * only those that pass run batched, in chunks of exactly the checked batch size.
     */
    static final class ConvKernel implements Kernel {

        /** The batch size the load-time check compares against single samples. */
        static final int CHECKED_BATCH = 2;

        private final NDArray weight;
        private final NDArray bias; // may be null
        private final Shape strides;
        private final Shape pads;
        private final Shape dilations;
        private final int groups;
        private final BatchMode mode;

        ConvKernel(NDArray weight, NDArray bias, Shape strides, Shape pads, Shape dilations, int groups, BatchMode mode) {
            this.weight = weight;
            this.bias = bias;
            this.strides = strides;
            this.pads = pads;
            this.dilations = dilations;
            this.groups = groups;
            this.mode = mode;
        }

        @Override
        public NDArray[] run(NDArray[] in, NDManager manager) {
            return new NDArray[] {apply(in[0], mode)};
        }

        /** Whether {@link BatchMode#PATCHES} applies: stride = kernel, no padding, no dilation, one group. */
        boolean patchable() {
            return groups == 1 && pads.get(0) == 0 && pads.get(1) == 0 && dilations.get(0) == 1 && dilations.get(1) == 1
                    && strides.get(0) == weight.getShape().get(2) && strides.get(1) == weight.getShape().get(3);
        }

        /** [N,C,H,W] -> patches [N, C*kh*kw, oh*ow] -> W [O, C*kh*kw] x patches + b -> [N,O,oh,ow], contiguous NCHW. */
        private NDArray patches(NDArray x) {
            Shape s = x.getShape();
            long n = s.get(0), c = s.get(1), kh = weight.getShape().get(2), kw = weight.getShape().get(3);
            long oh = s.get(2) / kh, ow = s.get(3) / kw;
            if (oh * kh != s.get(2) || ow * kw != s.get(3)) { // a stride-k conv leaves the trailing rows/columns out
                x = x.get(new ai.djl.ndarray.index.NDIndex(":, :, 0:" + oh * kh + ", 0:" + ow * kw));
            }
            NDArray p = x.reshape(n, c, oh, kh, ow, kw).transpose(0, 1, 3, 5, 2, 4).reshape(n, c * kh * kw, oh * ow);
            NDArray y = weight.reshape(weight.getShape().get(0), c * kh * kw).matMul(p);
            if (bias != null) {
                y = y.add(bias.reshape(bias.size(), 1));
            }
            return y.reshape(n, weight.getShape().get(0), oh, ow);
        }

        BatchMode mode() {
            return mode;
        }

        ConvKernel withMode(BatchMode m) {
            return new ConvKernel(weight, bias, strides, pads, dilations, groups, m);
        }

        long outChannels() {
            return weight.getShape().get(0);
        }

        /** {@code [out, in/groups, kh, kw]}, stride, pad, dilation, groups: for reports. */
        String describe() {
            return "weight " + weight.getShape() + " stride " + strides + " pad " + pads
                    + (dilations.get(0) != 1 || dilations.get(1) != 1 ? " dilation " + dilations : "")
                    + (groups != 1 ? " groups " + groups : "");
        }

        /** This conv followed by {@code + c}, c a per-output-channel (or single) constant: c goes into the bias. */
        ConvKernel plusBias(NDArray c, NDManager manager) {
            NDArray perChannel = perChannel(c, manager);
            NDArray b = bias == null ? perChannel : contiguous(bias.add(perChannel));
            b.attach(manager);
            return new ConvKernel(weight, b, strides, pads, dilations, groups, mode);
        }

        /** This conv followed by {@code * c}, c per output channel (or single): c scales the weights and bias. */
        ConvKernel times(NDArray c, NDManager manager) {
            NDArray perChannel = perChannel(c, manager);
            NDArray w = contiguous(weight.mul(perChannel.reshape(outChannels(), 1, 1, 1)));
            w.attach(manager);
            NDArray b = null;
            if (bias != null) {
                b = contiguous(bias.mul(perChannel));
                b.attach(manager);
            }
            return new ConvKernel(w, b, strides, pads, dilations, groups, mode);
        }

        /** Whether {@code c} broadcast onto this conv's {@code [N, out, H, W]} output varies only by channel. */
        boolean isPerChannel(NDArray c) {
            long[] d = c.getShape().getShape();
            if (c.getDataType() != DataType.FLOAT32 || d.length > 4) {
                return false;
            }
            for (int k = 0; k < d.length; k++) {
                int axis = k + 4 - d.length; // right-aligned, as broadcasting aligns
                if (d[k] != 1 && !(axis == 1 && d[k] == outChannels())) {
                    return false;
                }
            }
            return true;
        }

        private NDArray perChannel(NDArray c, NDManager manager) {
            NDArray flat = c.reshape(c.size());
            NDArray full = c.size() == outChannels() ? flat : flat.broadcast(new Shape(outChannels()));
            NDArray out = contiguous(full);
            out.attach(manager);
            return out;
        }

        NDArray apply(NDArray x, BatchMode m) {
            if (m == BatchMode.PATCHES) {
                return patches(x);
            }
            long n = x.getShape().get(0);
            if (n == 1 || (m == BatchMode.BATCHED && n == CHECKED_BATCH)) {
                return conv(x);
            }
            long chunk = m == BatchMode.BATCHED ? CHECKED_BATCH : 1;
            long[] cuts = new long[(int) ((n - 1) / chunk)];
            for (int k = 0; k < cuts.length; k++) {
                cuts[k] = (k + 1) * chunk;
            }
            NDList outs = new NDList();
            for (NDArray part : x.split(cuts, 0)) {
                outs.add(conv(part));
            }
            return NDArrays.concat(outs, 0);
        }

        private NDArray conv(NDArray x) {
            return Conv2d.conv2d(x, weight, bias, strides, pads, dilations, groups).singletonOrThrow();
        }
    }

    private static Kernel averagePool(Site s) {
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

    private static void noAutoPad(Site s) {
        String autoPad = s.s("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET")) {
            throw s.unsupported("auto_pad " + autoPad);
        }
    }

    /** ONNX pads are [top, left, bottom, right]; DJL/PyTorch take one pad per side pair. */
    private static Shape symmetricPads(Site s) {
        long[] p = s.ints("pads", new long[] {0, 0, 0, 0});
        if (p.length != 4 || p[0] != p[2] || p[1] != p[3]) {
            throw s.unsupported("asymmetric pads " + Arrays.toString(p));
        }
        return new Shape(p[0], p[1]);
    }

    /** Gemm as PyTorch's linear (x W^T + b): the weight is kept as [out, in], contiguous, made so at load if transB=0. */
    private static Kernel gemm(Site s) {
        s.allow(2, 3, "alpha", "beta", "transA", "transB");
        if (s.i("transA", 0) != 0) {
            throw s.unsupported("transA=1");
        }
        float alpha = s.f("alpha", 1f);
        float beta = s.f("beta", 1f);
        NDArray w = s.constant(1, "Gemm B");
        NDArray weight = s.i("transB", 0) != 0 ? w : contiguous(w.transpose());
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

    /** A copy in row-major order: PyTorch would otherwise re-copy a strided weight in every call. */
    static NDArray contiguous(NDArray a) {
        NDArray c = a.getManager().create(a.toByteBuffer(), a.getShape(), a.getDataType());
        return c;
    }

    // ---- reductions ----

    @FunctionalInterface
    private interface AxisReduction {
        NDArray apply(NDArray x, int axis, boolean keepDims);
    }

    private static Kernel reduce(Site s, AxisReduction r) {
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

    private static Kernel cumSum(Site s) {
        s.allow(2, 2, "exclusive", "reverse");
        if (s.i("exclusive", 0) != 0 || s.i("reverse", 0) != 0) {
            throw s.unsupported("exclusive or reverse CumSum");
        }
        long axis = s.constantLongs(1, "CumSum axis")[0];
        return (in, m) -> new NDArray[] {in[0].cumSum((int) (axis < 0 ? axis + in[0].getShape().dimension() : axis))};
    }

    // ---- shapes ----

    private static Kernel reshape(Site s) {
        s.allow(2, 2, "allowzero");
        if (s.i("allowzero", 0) != 0) {
            throw s.unsupported("allowzero=1");
        }
        var target = s.longs(1);
        return (in, m) -> {
            long[] t = target.apply(in).clone();
            for (int k = 0; k < t.length; k++) {
                if (t[k] == 0) { // 0 copies the input's dim
                    t[k] = in[0].getShape().get(k);
                }
            }
            return new NDArray[] {in[0].reshape(t)};
        };
    }

    private static Kernel flatten(Site s) {
        s.allow(1, 1, "axis");
        long axis = s.i("axis", 1);
        return (in, m) -> {
            Shape sh = in[0].getShape();
            int a = (int) (axis < 0 ? axis + sh.dimension() : axis);
            long outer = 1;
            for (int k = 0; k < a; k++) {
                outer *= sh.get(k);
            }
            return new NDArray[] {in[0].reshape(outer, sh.size() / Math.max(outer, 1))};
        };
    }

    private static Kernel transpose(Site s) {
        s.allow(1, 1, "perm");
        long[] perm = s.ints("perm", null);
        return (in, m) -> {
            int rank = in[0].getShape().dimension();
            int[] p = new int[rank];
            for (int k = 0; k < rank; k++) {
                p[k] = perm == null ? rank - 1 - k : (int) perm[k];
            }
            return new NDArray[] {in[0].transpose(p)};
        };
    }

    private static long[] axesOf(Site s, String op) {
        long[] axes = s.present(1) ? s.constantLongs(1, op + " axes") : s.ints("axes", null);
        if (axes == null) {
            throw s.unsupported(op + " without axes");
        }
        return axes;
    }

    private static Kernel squeeze(Site s) {
        s.allow(1, 2, "axes");
        long[] axes = axesOf(s, "Squeeze");
        return (in, m) -> {
            int rank = in[0].getShape().dimension();
            return new NDArray[] {in[0].squeeze(Arrays.stream(axes).mapToInt(a -> (int) (a < 0 ? a + rank : a)).toArray())};
        };
    }

    private static Kernel unsqueeze(Site s) {
        s.allow(1, 2, "axes");
        long[] axes = axesOf(s, "Unsqueeze");
        return (in, m) -> {
            int rank = in[0].getShape().dimension() + axes.length; // negative axes count from the OUTPUT's end
            int[] sorted = Arrays.stream(axes).mapToInt(a -> (int) (a < 0 ? a + rank : a)).sorted().toArray();
            NDArray x = in[0];
            for (int a : sorted) {
                x = x.expandDims(a);
            }
            return new NDArray[] {x};
        };
    }

    private static Kernel concat(Site s) {
        s.allow(1, Integer.MAX_VALUE, "axis");
        if (!s.has("axis")) {
            throw s.unsupported("Concat without axis");
        }
        long axis = s.i("axis", 0);
        return (in, m) -> {
            int a = (int) (axis < 0 ? axis + in[0].getShape().dimension() : axis);
            return new NDArray[] {in.length == 1 ? in[0] : NDArrays.concat(new NDList(in), a)};
        };
    }

    private static Kernel split(Site s) {
        s.allow(1, 2, "axis", "split");
        long axis = s.i("axis", 0);
        long[] sizes = s.present(1) ? s.constantLongs(1, "Split sizes") : s.ints("split", null);
        int outputs = s.node().getOutputCount();
        if (sizes != null && sizes.length != outputs) {
            throw s.unsupported(sizes.length + " split sizes for " + outputs + " outputs");
        }
        return (in, m) -> {
            int a = (int) (axis < 0 ? axis + in[0].getShape().dimension() : axis);
            long dim = in[0].getShape().get(a);
            long[] cuts = new long[outputs - 1];
            long at = 0;
            for (int k = 0; k < outputs - 1; k++) {
                at += sizes != null ? sizes[k] : dim / outputs;
                cuts[k] = at;
            }
            if (sizes == null && dim % outputs != 0) {
                throw new UnsupportedOnnxException(s.describe() + ": " + dim + " does not split evenly");
            }
            return new NDList(in[0].split(cuts, a)).toArray(new NDArray[0]);
        };
    }

    private static Kernel slice(Site s) {
        s.allow(3, 5);
        var starts = s.longs(1);
        var ends = s.longs(2);
        var axes = s.longs(3);
        var steps = s.longs(4);
        return (in, m) -> {
            Shape sh = in[0].getShape();
            int rank = sh.dimension();
            long[] st = starts.apply(in);
            long[] en = ends.apply(in);
            long[] ax = axes.apply(in);
            long[] sp = steps.apply(in);
            long[][] range = new long[rank][];
            for (int k = 0; k < st.length; k++) {
                int a = (int) (ax == null ? k : ax[k] < 0 ? ax[k] + rank : ax[k]);
                long step = sp == null ? 1 : sp[k];
                if (step <= 0) {
                    throw new UnsupportedOnnxException(s.describe() + ": slice step " + step + " is not supported");
                }
                long dim = sh.get(a);
                range[a] = new long[] {clamp(st[k], dim), clamp(en[k], dim), step};
            }
            NDIndex index = new NDIndex();
            for (int a = 0; a < rank; a++) {
                if (range[a] == null) {
                    index.addAllDim();
                } else {
                    index.addSliceDim(range[a][0], Math.max(range[a][0], range[a][1]), range[a][2]);
                }
            }
            return new NDArray[] {in[0].get(index)};
        };
    }

    /** ONNX slice bounds: negative counts from the end, then clamped to [0, dim] (for positive steps). */
    private static long clamp(long v, long dim) {
        long x = v < 0 ? v + dim : v;
        return Math.max(0, Math.min(dim, x));
    }

    private static Kernel gather(Site s) {
        s.allow(2, 2, "axis");
        long axis = s.i("axis", 0);
        NDArray indices = s.constant(1, "Gather indices");
        if (indices.getShape().dimension() > 1) {
            throw s.unsupported("Gather with " + indices.getShape().dimension() + "-D indices");
        }
        long[] idx = longsOf(indices);
        boolean scalar = indices.getShape().dimension() == 0;
        return (in, m) -> {
            Shape sh = in[0].getShape();
            int a = (int) (axis < 0 ? axis + sh.dimension() : axis);
            NDList picked = new NDList();
            for (long i : idx) {
                long at = i < 0 ? i + sh.get(a) : i;
                NDIndex index = new NDIndex();
                for (int k = 0; k < a; k++) {
                    index.addAllDim();
                }
                if (scalar) {
                    index.addIndices(at); // a scalar index drops the axis
                } else {
                    index.addSliceDim(at, at + 1);
                }
                picked.add(in[0].get(index));
            }
            return new NDArray[] {picked.size() == 1 ? picked.get(0) : NDArrays.concat(picked, a)};
        };
    }

    private static Kernel shape(Site s) {
        s.allow(1, 1);
        return (in, m) -> new NDArray[] {m.create(in[0].getShape().getShape())};
    }

    private static Kernel constantOfShape(Site s) {
        s.allow(1, 1, "value");
        OnnxTensor value = s.t("value");
        DataType type = value == null ? DataType.FLOAT32 : OnnxTensor.djlType(value.dataType(), s.describe());
        if (value != null && value.dims().length > 1) {
            throw s.unsupported("a value of shape " + Arrays.toString(value.dims()));
        }
        return (in, m) -> {
            Shape shape = new Shape(longsOf(in[0]));
            if (value == null) {
                return new NDArray[] {m.zeros(shape, type)};
            }
            try (NDArray v = value.toNd(m)) {
                return new NDArray[] {v.reshape(new Shape()).broadcast(shape).duplicate()};
            }
        };
    }

    /** ONNX Expand broadcasts both ways: the result has the broadcast of the input's shape and the given one. */
    private static Kernel expand(Site s) {
        s.allow(2, 2);
        var target = s.longs(1);
        return (in, m) -> {
            long[] x = in[0].getShape().getShape();
            long[] t = target.apply(in);
            int rank = Math.max(x.length, t.length);
            long[] out = new long[rank];
            for (int k = 0; k < rank; k++) {
                long a = k - (rank - x.length) >= 0 ? x[k - (rank - x.length)] : 1;
                long b = k - (rank - t.length) >= 0 ? t[k - (rank - t.length)] : 1;
                out[k] = a == 1 ? b : a;
            }
            return new NDArray[] {in[0].broadcast(new Shape(out))};
        };
    }

    private static Kernel constant(Site s) {
        s.allow(0, 0, "value");
        OnnxTensor value = s.t("value");
        if (value == null) {
            throw s.unsupported("Constant without a tensor 'value' (value_float, value_ints, ...)");
        }
        return (in, m) -> new NDArray[] {value.toNd(m)};
    }
}
