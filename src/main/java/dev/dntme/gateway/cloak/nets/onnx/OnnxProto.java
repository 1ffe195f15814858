package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.onnx.ProtoReader.FloatList;
import dev.dntme.gateway.cloak.nets.onnx.ProtoReader.LongList;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of the ONNX protobuf schema (onnx/onnx.proto3, IR versions 3-10) that a feed-forward
 * inference graph needs: the model's opsets, the graph's nodes, attributes, initializers, inputs and
 * outputs. Field numbers are the schema's; everything else (doc strings, metadata, value_info,
 * training info, functions) is skipped. What cannot be represented faithfully (external data, sparse
 * initializers, sub-graph attributes, tensor types other than float/double/int32/int64/bool) is refused.
 */
final class OnnxProto {

    /** ONNX TensorProto.DataType codes accepted here. */
    static final int FLOAT = 1;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int BOOL = 9;
    static final int DOUBLE = 11;

    private OnnxProto() {}

    record Model(long irVersion, Map<String, Long> opsets, Graph graph) {}

    record Graph(String name, List<Node> nodes, List<Tensor> initializers, List<ValueInfo> inputs, List<ValueInfo> outputs) {}

    /** One node; {@code inputs} keeps empty names (an optional input left out) in place. */
    record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
            Map<String, Attribute> attributes) {

        /** How the node is named in error messages: op type and node name (or its first output). */
        String describe() {
            return opType + " node '" + (name.isEmpty() ? outputs.isEmpty() ? "?" : outputs.get(0) : name) + "'";
        }
    }

    /** An attribute; only the member matching its type is meaningful. */
    record Attribute(String name, int type, float f, long i, String s, Tensor t, float[] floats, long[] ints) {
        static final int FLOAT = 1;
        static final int INT = 2;
        static final int STRING = 3;
        static final int TENSOR = 4;
        static final int FLOATS = 6;
        static final int INTS = 7;
    }

    /** A graph input or output: its name and dims (-1 where the dim is symbolic or unknown). */
    record ValueInfo(String name, long[] dims) {}

    /**
     * A tensor's values, normalised to little-endian bytes of its element type whether the file stored them
     * in {@code raw_data} or in the typed repeated fields.
     */
    record Tensor(String name, int dataType, long[] dims, ByteBuffer data) {

        NDArray toNd(NDManager manager) {
            return manager.create(data.duplicate().order(ByteOrder.LITTLE_ENDIAN), new Shape(dims), djlType(dataType, name));
        }

        static DataType djlType(int onnxType, String what) {
            return switch (onnxType) {
                case FLOAT -> DataType.FLOAT32;
                case INT32 -> DataType.INT32;
                case INT64 -> DataType.INT64;
                case BOOL -> DataType.BOOLEAN;
                case DOUBLE -> DataType.FLOAT64;
                default -> throw new UnsupportedOnnxException("unsupported tensor data type " + onnxType + " in " + what);
            };
        }
    }

    static Model parseModel(ByteBuffer bytes) {
        ProtoReader r = new ProtoReader(bytes);
        long ir = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        Graph graph = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> ir = r.int64();
                case 7 -> graph = parseGraph(r.message());
                case 8 -> {
                    ProtoReader o = r.message();
                    String domain = "";
                    long version = 0;
                    while (o.next()) {
                        switch (o.field()) {
                            case 1 -> domain = o.string();
                            case 2 -> version = o.int64();
                            default -> o.skip();
                        }
                    }
                    opsets.put(domain.equals("ai.onnx") ? "" : domain, version);
                }
                case 14 -> throw new UnsupportedOnnxException("model-local functions are not supported");
                default -> r.skip();
            }
        }
        if (graph == null) {
            throw new UnsupportedOnnxException("not an ONNX model: no graph");
        }
        return new Model(ir, Collections.unmodifiableMap(opsets), graph);
    }

    private static Graph parseGraph(ProtoReader r) {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        List<Tensor> inits = new ArrayList<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> nodes.add(parseNode(r.message()));
                case 2 -> name = r.string();
                case 5 -> inits.add(parseTensor(r.message()));
                case 11 -> inputs.add(parseValueInfo(r.message()));
                case 12 -> outputs.add(parseValueInfo(r.message()));
                case 15 -> throw new UnsupportedOnnxException("sparse initializers are not supported");
                default -> r.skip();
            }
        }
        return new Graph(name, List.copyOf(nodes), List.copyOf(inits), List.copyOf(inputs), List.copyOf(outputs));
    }

    private static Node parseNode(ProtoReader r) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> in.add(r.string());
                case 2 -> out.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                case 5 -> {
                    Attribute a = parseAttribute(r.message());
                    attrs.put(a.name(), a);
                }
                case 7 -> domain = r.string();
                default -> r.skip();
            }
        }
        return new Node(name, op, domain.equals("ai.onnx") ? "" : domain, List.copyOf(in), List.copyOf(out),
                Collections.unmodifiableMap(attrs));
    }

    private static Attribute parseAttribute(ProtoReader r) {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = null;
        Tensor t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 2 -> f = r.float32();
                case 3 -> i = r.int64();
                case 4 -> s = r.string();
                case 5 -> t = parseTensor(r.message());
                case 7 -> r.floats(floats);
                case 8 -> r.int64s(ints);
                case 20 -> type = (int) r.int64();
                case 6, 9, 10, 11, 21, 22, 23 -> throw new UnsupportedOnnxException(
                        "attribute field " + r.field() + " (graphs, strings, tensors lists, references) is not supported"
                        + (name.isEmpty() ? "" : " (attribute " + name + ")"));
                default -> r.skip();
            }
        }
        return new Attribute(name, type, f, i, s, t, floats.toArray(), ints.toArray());
    }

    private static ValueInfo parseValueInfo(ProtoReader r) {
        String name = "";
        LongList dims = new LongList();
        while (r.next()) {
            if (r.field() == 1) {
                name = r.string();
            } else if (r.field() == 2) { // TypeProto
                ProtoReader type = r.message();
                while (type.next()) {
                    if (type.field() == 1) { // tensor_type
                        ProtoReader tensor = type.message();
                        while (tensor.next()) {
                            if (tensor.field() == 2) { // shape
                                ProtoReader shape = tensor.message();
                                while (shape.next()) {
                                    if (shape.field() == 1) {
                                        dims.add(parseDim(shape.message()));
                                    } else {
                                        shape.skip();
                                    }
                                }
                            } else {
                                tensor.skip();
                            }
                        }
                    } else {
                        type.skip();
                    }
                }
            } else {
                r.skip();
            }
        }
        return new ValueInfo(name, dims.toArray());
    }

    private static long parseDim(ProtoReader r) {
        long value = -1;
        while (r.next()) {
            if (r.field() == 1) {
                value = r.int64();
            } else {
                r.skip();
            }
        }
        return value;
    }

    static Tensor parseTensor(ProtoReader r) {
        String name = "";
        int type = 0;
        LongList dims = new LongList();
        ByteBuffer raw = null;
        FloatList floats = new FloatList();
        LongList longs = new LongList();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> r.int64s(dims);
                case 2 -> type = (int) r.int64();
                case 4 -> r.floats(floats);
                case 5, 7 -> r.int64s(longs); // int32_data (also bool) and int64_data are both varints
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 10 -> r.doubles(floats);
                case 3 -> throw new UnsupportedOnnxException("segmented tensors are not supported");
                case 13, 14 -> throw new UnsupportedOnnxException("tensor " + name + " uses external data: not supported");
                default -> r.skip();
            }
        }
        long[] shape = dims.toArray();
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        DataType djl = Tensor.djlType(type, "tensor '" + name + "'");
        int size = djl.getNumOfBytes();
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(count * size)).order(ByteOrder.LITTLE_ENDIAN);
        if (raw != null) {
            if (raw.remaining() != data.capacity()) {
                throw new UnsupportedOnnxException("tensor '" + name + "': raw_data has " + raw.remaining() + " bytes, "
                        + "its shape needs " + data.capacity());
            }
            data.put(raw);
        } else if (type == FLOAT || type == DOUBLE) {
            float[] v = floats.toArray();
            requireCount(name, v.length, count);
            for (float x : v) {
                if (type == FLOAT) {
                    data.putFloat(x);
                } else {
                    data.putDouble(x);
                }
            }
        } else {
            long[] v = longs.toArray();
            requireCount(name, v.length, count);
            for (long x : v) {
                switch (type) {
                    case INT64 -> data.putLong(x);
                    case INT32 -> data.putInt((int) x);
                    default -> data.put((byte) (x != 0 ? 1 : 0)); // BOOL
                }
            }
        }
        data.flip();
        return new Tensor(name, type, shape, data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    private static void requireCount(String name, int have, long need) {
        if (have != need) {
            throw new UnsupportedOnnxException("tensor '" + name + "' has " + have + " values, its shape needs " + need);
        }
    }
}
