package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.NodeProto;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ONNX operators this interpreter runs, each compiled once at load into a {@link Kernel} of DJL
 * NDArray ops (on PyTorch, so autograd records them). Compiling checks every attribute: an attribute
 * that is not listed for the op, or a value this code does not implement (asymmetric pads, auto_pad,
 * transA, negative slice steps, ...), is an {@link UnsupportedOnnxException} at load.
 *
 * <p>Exactly the ops of the four adopted face recognisers (EdgeFace-XS/XXS, MobileFaceNet-y1,
 * face-reidentification-retail-0095) are implemented, for ONNX opsets 11-17 (default domain only). The
 * kernels live by family in {@link ElementwiseOps}, {@link ConvOps} and {@link ShapeOps}; this class holds the
 * registry, so that an op type maps to exactly one compiler.
 */
final class OnnxOps {

    static final long MIN_OPSET = 11;
    static final long MAX_OPSET = 17;

    /** Compiles one node of an op type: checks its attributes and load-time inputs, returns what runs it. */
    @FunctionalInterface
    interface Compiler {
        Kernel compile(OpSite site);
    }

    private static final Map<String, Compiler> OPS = all(ElementwiseOps.ops(), ConvOps.ops(), ShapeOps.ops());

    private OnnxOps() {}

    @SafeVarargs
    private static Map<String, Compiler> all(Map<String, Compiler>... families) {
        Map<String, Compiler> ops = new HashMap<>();
        for (Map<String, Compiler> f : families) {
            f.forEach((op, c) -> {
                if (ops.put(op, c) != null) {
                    throw new IllegalStateException("op " + op + " is implemented twice");
                }
            });
        }
        return Map.copyOf(ops);
    }

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
        return c.compile(new OpSite(node, opset, constants, OnnxModel.attributes(node)));
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

    /** A copy in row-major order: PyTorch would otherwise re-copy a strided weight in every call. */
    static NDArray contiguous(NDArray a) {
        NDArray c = a.getManager().create(a.toByteBuffer(), a.getShape(), a.getDataType());
        return c;
    }
}
