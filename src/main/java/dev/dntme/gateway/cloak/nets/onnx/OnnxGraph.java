package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.onnx.OnnxOps.Kernel;
import dev.dntme.gateway.cloak.nets.onnx.OnnxProto.Node;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An ONNX inference graph (one NCHW float input, one output) run node by node with DJL NDArray ops on the
 * PyTorch engine, so that PyTorch's autograd records the forward pass and gradients reach the input.
 *
 * <p>At load: the file's SHA-256 is checked, every node is compiled (an operator or attribute this code does
 * not implement is an {@link UnsupportedOnnxException}, see {@link #supportedOps()}), and what depends on
 * neither the input's values nor its shape is computed once (constant folding); weights become contiguous
 * tensors. Values that depend only on the input's shape (shape arithmetic, positional encodings) are computed
 * on the first pass of each input shape and kept. A self-check then runs a batch of two against two
 * batches of one: a graph whose samples are not independent (e.g. a reshape hard-wired to batch 1) is refused.
 *
 * <p>Memory: weights and cached values live in a sub-manager of the {@code parent} given to {@code load},
 * closed by {@link #close()}. A forward pass's results and intermediates go into the pass's manager (the
 * input's manager, or the one given), which the caller closes after the pass (and its backward) are done.
 * Instances are read-only after load and may be shared between threads.
 */
public final class OnnxGraph implements AutoCloseable {

    /** Distinct input shapes whose shape-only values are kept; further shapes recompute them every pass. */
    private static final int MAX_CACHED_SHAPES = 16;
    /** Self-check tolerance: batch-of-2 vs batch-of-1 outputs, relative to the largest output magnitude. */
    private static final double BATCH_CHECK_RELATIVE_TOLERANCE = 1e-3;

    private enum Kind { CONSTANT, SHAPE_ONLY, DATA }

    /** One node to run per pass: its kernel and the value slots it reads and writes. */
    private record Step(Node node, Kernel kernel, int[] in, int[] out, boolean shapeOnly) {}

    private final NDManager manager;
    private final String name;
    private final List<Step> steps;
    private final NDArray[] constants; // by slot; null where computed per pass
    private final int inputSlot;
    private final int outputSlot;
    private final long[] inputDims; // declared [N, C, H, W], -1 where symbolic
    private final Map<Shape, NDArray[]> shapeValues = new ConcurrentHashMap<>();
    private final Map<Shape, NDManager> shapeManagers = new ConcurrentHashMap<>();
    private int outputSize;

    private OnnxGraph(NDManager manager, String name, List<Step> steps, NDArray[] constants, int inputSlot, int outputSlot,
            long[] inputDims) {
        this.manager = manager;
        this.name = name;
        this.steps = steps;
        this.constants = constants;
        this.inputSlot = inputSlot;
        this.outputSlot = outputSlot;
        this.inputDims = inputDims;
    }

    /**
     * Loads an ONNX file from disk.
     *
     * @param parent         the weights go into a sub-manager of it, closed by {@link #close()}
     * @param expectedSha256 the file's SHA-256 (hex); a different file is refused
     */
    public static OnnxGraph load(NDManager parent, Path file, String expectedSha256) {
        try {
            return load(parent, file.toString(), Files.readAllBytes(file), expectedSha256);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Loads an ONNX file named the way the project names its bundled models: a file path (absolute, or relative
     * to the working directory) if that file exists, else a classpath resource such as
     * {@code models/surrogates/edgeface-xs/edgeface_xs_fp32.onnx} (the build copies {@code models/} into the jar).
     */
    public static OnnxGraph load(NDManager parent, String location, String expectedSha256) {
        Path file = Path.of(location);
        if (Files.isRegularFile(file)) {
            return load(parent, file, expectedSha256);
        }
        try (InputStream in = OnnxGraph.class.getClassLoader().getResourceAsStream(location)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("model file neither on disk nor on the classpath: " + location));
            }
            return load(parent, location, in.readAllBytes(), expectedSha256);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location, e);
        }
    }

    static OnnxGraph load(NDManager parent, String name, byte[] bytes, String expectedSha256) {
        String actual = sha256(bytes);
        if (expectedSha256 == null || !actual.equalsIgnoreCase(expectedSha256.trim())) {
            throw new IllegalArgumentException("SHA-256 mismatch for " + name + ": expected " + expectedSha256
                    + ", file has " + actual + "; refusing to load it");
        }
        return fromModel(parent, name, OnnxProto.parseModel(ByteBuffer.wrap(bytes)));
    }

    /** The op types this interpreter implements. */
    public static java.util.Set<String> supportedOps() {
        return OnnxOps.supported();
    }

    private static OnnxGraph fromModel(NDManager parent, String name, OnnxProto.Model model) {
        Long opset = model.opsets().get("");
        if (opset == null || opset < OnnxOps.MIN_OPSET || opset > OnnxOps.MAX_OPSET) {
            throw new UnsupportedOnnxException(name + ": ONNX opset " + opset + " (supported " + OnnxOps.MIN_OPSET + ".."
                    + OnnxOps.MAX_OPSET + ")");
        }
        OnnxProto.Graph g = model.graph();
        NDManager manager = parent.newSubManager();
        try {
            Map<String, Integer> slots = new HashMap<>();
            List<NDArray> constantList = new ArrayList<>();
            List<Kind> kinds = new ArrayList<>();
            for (OnnxProto.Tensor t : g.initializers()) {
                slots.put(t.name(), slots.size());
                constantList.add(t.toNd(manager));
                kinds.add(Kind.CONSTANT);
            }
            List<OnnxProto.ValueInfo> inputs = g.inputs().stream().filter(v -> !slots.containsKey(v.name())).toList();
            if (inputs.size() != 1 || inputs.get(0).dims().length != 4 || g.outputs().size() != 1) {
                throw new UnsupportedOnnxException(name + ": expected one NCHW input and one output, found inputs "
                        + inputs.stream().map(OnnxProto.ValueInfo::name).toList() + " and " + g.outputs().size() + " outputs");
            }
            int inputSlot = slots.size();
            slots.put(inputs.get(0).name(), inputSlot);
            constantList.add(null);
            kinds.add(Kind.DATA);

            List<Step> steps = new ArrayList<>();
            for (Node node : g.nodes()) {
                int[] in = new int[node.inputs().size()];
                NDArray[] known = new NDArray[in.length];
                Kind kind = Kind.CONSTANT;
                for (int k = 0; k < in.length; k++) {
                    String input = node.inputs().get(k);
                    if (input.isEmpty()) {
                        in[k] = -1;
                        continue;
                    }
                    Integer slot = slots.get(input);
                    if (slot == null) {
                        throw new UnsupportedOnnxException(name + ": " + node.describe() + " reads '" + input
                                + "' before any node makes it (nodes must be in topological order)");
                    }
                    in[k] = slot;
                    known[k] = constantList.get(slot);
                    kind = max(kind, kinds.get(slot));
                }
                if (node.opType().equals("Shape") && kind == Kind.DATA) {
                    kind = Kind.SHAPE_ONLY; // reads the input's shape, not its values
                }
                Kernel kernel = OnnxOps.compile(node, opset, known);
                if (kind == Kind.DATA && node.opType().equals("Cast")) {
                    kernel = differentiableCast(node, kernel);
                }
                int[] out = new int[node.outputs().size()];
                NDArray[] values = null;
                if (kind == Kind.CONSTANT) { // fold: computed once, now, into the model's manager
                    NDArray[] args = new NDArray[in.length];
                    for (int k = 0; k < in.length; k++) {
                        args[k] = in[k] < 0 ? null : constantList.get(in[k]);
                    }
                    values = kernel.run(args, manager);
                }
                for (int k = 0; k < out.length; k++) {
                    out[k] = slots.size();
                    slots.put(node.outputs().get(k), out[k]);
                    constantList.add(values == null ? null : settle(values[k], manager));
                    kinds.add(kind);
                }
                if (kind != Kind.CONSTANT) {
                    steps.add(new Step(node, kernel, in, out, kind == Kind.SHAPE_ONLY));
                }
            }
            Integer outputSlot = slots.get(g.outputs().get(0).name());
            if (outputSlot == null || kinds.get(outputSlot) != Kind.DATA) {
                throw new UnsupportedOnnxException(name + ": the output '" + g.outputs().get(0).name() + "' does not depend on the input");
            }
            NDArray[] constants = dropUnused(constantList.toArray(new NDArray[0]), steps);
            OnnxGraph graph = new OnnxGraph(manager, name, List.copyOf(steps), constants, inputSlot, outputSlot,
                    inputs.get(0).dims());
            graph.outputSize = graph.selfCheck();
            return graph;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static Kind max(Kind a, Kind b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** DJL's type conversion is not recorded by autograd: a Cast of data values must be a no-op or it is refused. */
    private static Kernel differentiableCast(Node node, Kernel cast) {
        return (in, m) -> {
            NDArray[] out = cast.run(in, m);
            if (out[0] != in[0]) {
                throw new UnsupportedOnnxException(node.describe() + ": a type-changing Cast of input-dependent values ("
                        + in[0].getDataType() + ") would cut the gradient");
            }
            return out;
        };
    }

    /** A folded value as a contiguous tensor of the model's manager (a transposed constant is a strided view). */
    private static NDArray settle(NDArray v, NDManager manager) {
        NDArray c = OnnxOps.contiguous(v);
        c.attach(manager);
        return c;
    }

    /** Frees the folded intermediates that no per-pass step reads. */
    private static NDArray[] dropUnused(NDArray[] constants, List<Step> steps) {
        boolean[] used = new boolean[constants.length];
        for (Step s : steps) {
            for (int i : s.in()) {
                if (i >= 0) {
                    used[i] = true;
                }
            }
        }
        for (int i = 0; i < constants.length; i++) {
            if (constants[i] != null && !used[i]) {
                constants[i].close();
                constants[i] = null;
            }
        }
        return constants;
    }

    /**
     * Runs the graph; the result and all intermediates go into the input's manager (the pass's manager).
     *
     * @param nchw {@code [N, C, H, W]} float32, already scaled and channel-ordered as the graph expects; may
     *             require gradient
     * @return {@code [N, outputSize()]}
     */
    public NDArray forward(NDArray nchw) {
        return forward(nchw.getManager(), nchw);
    }

    /** As {@link #forward(NDArray)}, with results and intermediates put into {@code pass}. */
    public NDArray forward(NDManager pass, NDArray nchw) {
        NDArray out = run(pass, nchw)[outputSlot];
        long n = nchw.getShape().get(0);
        return out.reshape(n, out.getShape().size() / n);
    }

    /** Every node output of one pass, by name (for tests that look inside a graph). */
    Map<String, NDArray> trace(NDManager pass, NDArray nchw) {
        NDArray[] v = run(pass, nchw);
        Map<String, NDArray> named = new java.util.LinkedHashMap<>();
        for (Step step : steps) {
            for (int k = 0; k < step.out().length; k++) {
                named.put(step.node().outputs().get(k), v[step.out()[k]]);
            }
        }
        return named;
    }

    private NDArray[] run(NDManager pass, NDArray nchw) {
        Shape shape = nchw.getShape();
        if (shape.dimension() != 4 || nchw.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(name + ": expected a float32 NCHW batch, got " + nchw.getDataType() + " " + shape);
        }
        for (int k = 1; k < 4; k++) {
            if (inputDims[k] > 0 && inputDims[k] != shape.get(k)) {
                throw new IllegalArgumentException(name + ": expected [N," + inputDims[1] + "," + inputDims[2] + ","
                        + inputDims[3] + "], got " + shape);
            }
        }
        NDArray[] cached = shapeValues.get(shape);
        NDManager shapeManager = pass;
        boolean caching = cached == null && shapeValues.size() < MAX_CACHED_SHAPES;
        if (caching) {
            shapeManager = manager.newSubManager();
        }
        NDArray[] v = constants.clone();
        v[inputSlot] = nchw;
        try {
            for (Step step : steps) {
                if (step.shapeOnly() && cached != null) {
                    for (int o : step.out()) {
                        v[o] = cached[o];
                    }
                    continue;
                }
                NDArray[] args = new NDArray[step.in().length];
                for (int k = 0; k < args.length; k++) {
                    args[k] = step.in()[k] < 0 ? null : v[step.in()[k]];
                }
                NDManager target = step.shapeOnly() ? shapeManager : pass;
                NDArray[] results = step.kernel().run(args, target);
                for (int k = 0; k < step.out().length; k++) {
                    v[step.out()[k]] = home(results[k], args, target);
                }
            }
        } catch (RuntimeException e) {
            if (caching) {
                shapeManager.close();
            }
            throw e;
        }
        if (caching) {
            publishShapeValues(shape, v, shapeManager);
        }
        return v;
    }

    /**
     * An op's result lives in its first operand's manager (which may be the model's, for a weight times data):
     * move a new result into the pass's manager. A result that IS one of the inputs (Identity, a no-op Cast)
     * stays where it is: it is someone else's value.
     */
    private static NDArray home(NDArray result, NDArray[] args, NDManager target) {
        for (NDArray a : args) {
            if (a == result) {
                return result;
            }
        }
        if (result.getManager() != target) {
            result.attach(target);
        }
        return result;
    }

    private void publishShapeValues(Shape shape, NDArray[] v, NDManager shapeManager) {
        NDArray[] keep = new NDArray[v.length];
        for (Step step : steps) {
            if (step.shapeOnly()) {
                for (int o : step.out()) {
                    keep[o] = v[o];
                }
            }
        }
        if (shapeValues.putIfAbsent(shape, keep) == null) {
            shapeManagers.put(shape, shapeManager);
        } else {
            shapeManager.close(); // another thread cached this shape first
        }
    }

    /** Batch of two vs two batches of one, on random inputs; returns the per-sample output size. */
    private int selfCheck() {
        try (NDManager pass = manager.newSubManager()) {
            long c = inputDims[1] > 0 ? inputDims[1] : 3;
            NDArray two = pass.randomUniform(-1f, 1f, new Shape(2, c, inputDims[2], inputDims[3]));
            float[] both = forward(pass, two).toFloatArray();
            float[] first = forward(pass, two.get("0:1")).toFloatArray();
            float[] second = forward(pass, two.get("1:2")).toFloatArray();
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < first.length; i++) {
                scale = Math.max(scale, Math.max(Math.abs(first[i]), Math.abs(second[i])));
                diff = Math.max(diff, Math.max(Math.abs(both[i] - first[i]), Math.abs(both[first.length + i] - second[i])));
            }
            if (!(diff <= BATCH_CHECK_RELATIVE_TOLERANCE * scale)) {
                throw new UnsupportedOnnxException(name + ": a batch of 2 does not give the two samples' own outputs (max "
                        + "difference " + diff + " of " + scale + "); the graph is not batch-independent");
            }
            return first.length;
        }
    }

    /** Input channels ({@code C} of NCHW). */
    public int inputChannels() {
        return (int) inputDims[1];
    }

    public int inputHeight() {
        return (int) inputDims[2];
    }

    public int inputWidth() {
        return (int) inputDims[3];
    }

    /** Length of one sample's output (the embedding size). */
    public int outputSize() {
        return outputSize;
    }

    /** Number of nodes run per pass (after constant folding). */
    int stepCount() {
        return steps.size();
    }

    @Override
    public void close() {
        manager.close();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
