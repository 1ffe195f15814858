package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An ONNX inference graph (one NCHW float input, one output) run node by node with DJL NDArray ops on the
 * PyTorch engine, so that PyTorch's autograd records the forward pass and gradients reach the input.
 *
 * <p>At load the file's SHA-256 is checked; {@link GraphCompiler} compiles every node (an operator or attribute
 * this code does not implement is an {@link UnsupportedOnnxException}, see {@link #supportedOps()}) and computes
 * once what depends on neither the input's values nor its shape (constant folding); {@link ConvOptimiser} folds
 * Conv+Add/Mul and picks each conv's checked batch mode; weights become contiguous tensors. Values that depend
 * only on the input's shape (shape arithmetic, positional encodings) are computed on the first pass of each
 * input shape and kept. {@link BatchSelfCheck} then runs a batch of two against two batches of one: a graph
 * whose samples are not independent (e.g. a reshape hard-wired to batch 1) is refused.
 *
 * <p>Memory: weights and cached values live in a sub-manager of the {@code parent} given to {@code load},
 * closed by {@link #close()}. A forward pass's results and intermediates go into the pass's manager (the
 * input's manager, or the one given), which the caller closes after the pass (and its backward) are done.
 * Instances are read-only after load and may be shared between threads.
 */
public final class OnnxGraph implements AutoCloseable {

    /** Distinct input shapes whose shape-only values are kept; further shapes recompute them every pass. */
    private static final int MAX_CACHED_SHAPES = 16;

    private final NDManager manager;
    private final String name;
    private final List<Step> steps;
    private final NDArray[] constants; // by slot; null where computed per pass
    private final int inputSlot;
    private final int outputSlot;
    private final long[] inputDims; // declared [N, C, H, W], -1 where symbolic
    private final Map<Shape, NDArray[]> shapeValues = new ConcurrentHashMap<>();
    private final Map<Shape, NDManager> shapeManagers = new ConcurrentHashMap<>();
    private final List<String> convReport;
    private int outputSize;

    private OnnxGraph(NDManager manager, String name, List<Step> steps, NDArray[] constants, int inputSlot, int outputSlot,
            long[] inputDims, List<String> convReport) {
        this.manager = manager;
        this.name = name;
        this.steps = steps;
        this.constants = constants;
        this.inputSlot = inputSlot;
        this.outputSlot = outputSlot;
        this.inputDims = inputDims;
        this.convReport = convReport;
    }

    /**
     * Loads an ONNX file from disk.
     *
     * @param parent         the weights go into a sub-manager of it, closed by {@link #close()}
     * @param expectedSha256 the file's SHA-256 (hex); a different file is refused
     */
    public static OnnxGraph load(NDManager parent, Path file, String expectedSha256) {
        return load(parent, file.toString(), expectedSha256);
    }

    /**
     * Loads an ONNX file named the way the project names its bundled models: a file path (absolute, or relative
     * to the working directory) if that file exists, else a classpath resource such as
     * {@code models/surrogates/edgeface-xs/edgeface_xs_fp32.onnx} (the build copies {@code models/} into the jar).
     */
    public static OnnxGraph load(NDManager parent, String location, String expectedSha256) {
        return load(parent, location, expectedSha256, true);
    }

    /**
     * @param optimise false: no Conv+Add/Mul folding and every conv per sample (the interpreter as it was before
     *                 per-conv batch checks; for benchmarks and tests that compare the two)
     */
    static OnnxGraph load(NDManager parent, String location, String expectedSha256, boolean optimise) {
        return load(parent, location, read(location), expectedSha256, optimise);
    }

    static OnnxGraph load(NDManager parent, String name, byte[] bytes, String expectedSha256) {
        return load(parent, name, bytes, expectedSha256, true);
    }

    static OnnxGraph load(NDManager parent, String name, byte[] bytes, String expectedSha256, boolean optimise) {
        String actual = sha256(bytes);
        if (expectedSha256 == null || !actual.equalsIgnoreCase(expectedSha256.trim())) {
            throw new IllegalArgumentException("SHA-256 mismatch for " + name + ": expected " + expectedSha256
                    + ", file has " + actual + "; refusing to load it");
        }
        var model = OnnxModel.parse(bytes);
        NDManager manager = parent.newSubManager();
        try {
            GraphCompiler.Compiled c = GraphCompiler.compile(name, model, manager);
            List<Step> steps = optimise
                    ? ConvOptimiser.foldConvAffine(c.steps(), c.constants(), c.outputSlot(), manager)
                    : c.steps();
            NDArray[] constants = GraphCompiler.dropUnused(c.constants().toArray(new NDArray[0]), steps);
            OnnxGraph graph = new OnnxGraph(manager, name, List.copyOf(steps), constants, c.inputSlot(), c.outputSlot(),
                    c.inputDims(), List.of());
            if (optimise) {
                // the batch modes are chosen by running this graph; its steps are final, so a second instance takes them
                List<String> report = new ArrayList<>();
                List<Step> chosen = ConvOptimiser.chooseConvBatchModes(graph, report);
                graph = new OnnxGraph(manager, name, List.copyOf(chosen), constants, c.inputSlot(), c.outputSlot(),
                        c.inputDims(), List.copyOf(report));
            }
            graph.outputSize = BatchSelfCheck.outputSize(graph);
            return graph;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** A file path if that file exists, else a classpath resource. */
    private static byte[] read(String location) {
        Path file = Path.of(location);
        try {
            if (Files.isRegularFile(file)) {
                return Files.readAllBytes(file);
            }
            try (InputStream in = OnnxGraph.class.getClassLoader().getResourceAsStream(location)) {
                if (in == null) {
                    throw new IOException("model file neither on disk nor on the classpath: " + location);
                }
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location, e);
        }
    }

    /** The op types this interpreter implements. */
    public static Set<String> supportedOps() {
        return OnnxOps.supported();
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
        Map<String, NDArray> named = new LinkedHashMap<>();
        for (Step step : steps) {
            for (int k = 0; k < step.out().length; k++) {
                named.put(step.node().getOutput(k), v[step.out()[k]]);
            }
        }
        return named;
    }

    /** Every value slot of one pass: the optimiser reads a conv's input shape from it. */
    NDArray[] run(NDManager pass, NDArray nchw) {
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

    /** One line per conv: its input shape, weights, batched-vs-per-sample errors and the mode chosen at load. */
    List<String> convReport() {
        return convReport;
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

    NDManager manager() {
        return manager;
    }

    String name() {
        return name;
    }

    List<Step> steps() {
        return steps;
    }

    long[] inputDims() {
        return inputDims;
    }
}
