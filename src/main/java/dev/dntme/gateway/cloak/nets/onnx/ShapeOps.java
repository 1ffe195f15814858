package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.onnx.OnnxOps.Compiler;
import java.util.Arrays;
import java.util.Map;

/**
 * Ops that move, cut or make values without arithmetic on them: reshapes, slicing, gathering, shapes and constants.
 * Most run on shape-sized integer tensors and are folded or cached per input shape by the interpreter.
 */
final class ShapeOps {

    private ShapeOps() {}

    static Map<String, Compiler> ops() {
        return Map.ofEntries(
                Map.entry("Constant", ShapeOps::constant),
                Map.entry("Reshape", ShapeOps::reshape),
                Map.entry("Flatten", ShapeOps::flatten),
                Map.entry("Transpose", ShapeOps::transpose),
                Map.entry("Squeeze", ShapeOps::squeeze),
                Map.entry("Unsqueeze", ShapeOps::unsqueeze),
                Map.entry("Concat", ShapeOps::concat),
                Map.entry("Split", ShapeOps::split),
                Map.entry("Slice", ShapeOps::slice),
                Map.entry("Gather", ShapeOps::gather),
                Map.entry("Shape", ShapeOps::shape),
                Map.entry("ConstantOfShape", ShapeOps::constantOfShape),
                Map.entry("Expand", ShapeOps::expand));
    }

    private static Kernel reshape(OpSite s) {
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

    private static Kernel flatten(OpSite s) {
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

    private static Kernel transpose(OpSite s) {
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

    private static long[] axesOf(OpSite s, String op) {
        long[] axes = s.present(1) ? s.constantLongs(1, op + " axes") : s.ints("axes", null);
        if (axes == null) {
            throw s.unsupported(op + " without axes");
        }
        return axes;
    }

    private static Kernel squeeze(OpSite s) {
        s.allow(1, 2, "axes");
        long[] axes = axesOf(s, "Squeeze");
        return (in, m) -> {
            int rank = in[0].getShape().dimension();
            return new NDArray[] {in[0].squeeze(Arrays.stream(axes).mapToInt(a -> (int) (a < 0 ? a + rank : a)).toArray())};
        };
    }

    private static Kernel unsqueeze(OpSite s) {
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

    private static Kernel concat(OpSite s) {
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

    private static Kernel split(OpSite s) {
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

    private static Kernel slice(OpSite s) {
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

    private static Kernel gather(OpSite s) {
        s.allow(2, 2, "axis");
        long axis = s.i("axis", 0);
        NDArray indices = s.constant(1, "Gather indices");
        if (indices.getShape().dimension() > 1) {
            throw s.unsupported("Gather with " + indices.getShape().dimension() + "-D indices");
        }
        long[] idx = OnnxOps.longsOf(indices);
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

    private static Kernel shape(OpSite s) {
        s.allow(1, 1);
        return (in, m) -> new NDArray[] {m.create(in[0].getShape().getShape())};
    }

    private static Kernel constantOfShape(OpSite s) {
        s.allow(1, 1, "value");
        OnnxTensor value = s.t("value");
        DataType type = value == null ? DataType.FLOAT32 : OnnxTensor.djlType(value.dataType(), s.describe());
        if (value != null && value.dims().length > 1) {
            throw s.unsupported("a value of shape " + Arrays.toString(value.dims()));
        }
        return (in, m) -> {
            Shape shape = new Shape(OnnxOps.longsOf(in[0]));
            if (value == null) {
                return new NDArray[] {m.zeros(shape, type)};
            }
            try (NDArray v = value.toNd(m)) {
                return new NDArray[] {v.reshape(new Shape()).broadcast(shape).duplicate()};
            }
        };
    }

    /** ONNX Expand broadcasts both ways: the result has the broadcast of the input's shape and the given one. */
    private static Kernel expand(OpSite s) {
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

    private static Kernel constant(OpSite s) {
        s.allow(0, 0, "value");
        OnnxTensor value = s.t("value");
        if (value == null) {
            throw s.unsupported("Constant without a tensor 'value' (value_float, value_ints, ...)");
        }
        return (in, m) -> new NDArray[] {value.toNd(m)};
    }
}
