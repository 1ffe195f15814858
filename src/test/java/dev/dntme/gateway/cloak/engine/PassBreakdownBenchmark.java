package dev.dntme.gateway.cloak.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.dntme.gateway.cloak.BenchmarkStats;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Where one dlib forward + backward pass spends its CPU, at one intra-op thread (all work then runs on the
 * calling thread, so that thread's CPU time is exact to the microsecond, unlike the process CPU time
 * PassCostBenchmark reads at 10 ms granularity): forward with autograd, backward, forward without autograd,
 * for the net as first ported (strided conv weights) and as loaded now (contiguous), alternating pass by pass
 * so that both see the same load; then two parts measured alone: the first 7x7 stride-2 conv with and
 * without its input gradient, and the 3x3 max pool.
 *
 * <p>{@code mvn -q -B -o -Pbenchmark test -Dtest=PassBreakdownBenchmark [-Dbenchmark.reps=30]}; writes
 * target/benchmark-pass-breakdown.md. For an op-by-op view run it with {@code -Dbenchmark.trace=PREFIX}
 * (PyTorch's profiler, chrome-trace JSON per net and batch) or with {@code ONEDNN_VERBOSE=1} in the
 * environment (oneDNN prints every primitive it runs, reorders included, into the surefire dumpstream).
 */
@Tag("benchmark")
class PassBreakdownBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int S = FaceRecognitionNet.CHIP_SIZE;

    @Test
    void aPassIsSplitIntoForwardAndBackwardForBothWeightLayouts() throws Exception {
        int reps = Integer.getInteger("benchmark.reps", 30);
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(1);
        StringBuilder out = new StringBuilder("# Pass breakdown (dlib ResNet, 1 intra-op thread)\n\n");
        out.append(String.format(Locale.ROOT, "%s, load average at start %.2f, %d passes per cell after 3 warm-up, "
                + "calling thread's CPU ms, median (p10).%n%n", Instant.now(), load(), reps));
        out.append("| weights | batch | forward (autograd) | backward (input gradient) | pass | forward, no autograd |\n|---|---|---|---|---|---|\n");
        try (NDManager manager = NDManager.newBaseManager();
                FaceRecognitionNet ported = FaceRecognitionNet.loadAsPorted(manager, CloakProperties.defaults().modelLocation());
                FaceRecognitionNet contiguous = FaceRecognitionNet.load(manager, CloakProperties.defaults().modelLocation())) {
            FaceRecognitionNet[] nets = {ported, contiguous};
            String[] names = {"strided (as ported)", "contiguous (now)"};
            Random rng = new Random(1);
            for (int b : new int[] {1, 2, 4}) {
                float[] data = random(rng, b * 3 * S * S);
                double[][][] t = new double[nets.length][4][reps];
                for (int r = -3; r < reps; r++) {
                    for (int n = 0; n < nets.length; n++) {
                        double[] m = pass(manager, nets[n], data, b);
                        for (int k = 0; r >= 0 && k < 4; k++) {
                            t[n][k][r] = m[k];
                        }
                    }
                }
                for (int n = 0; n < nets.length; n++) {
                    out.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | **%s** | %s |%n", names[n], b,
                            cell(t[n][0]), cell(t[n][1]), cell(t[n][2]), cell(t[n][3])));
                }
            }
            String trace = System.getProperty("benchmark.trace");
            for (int n = 0; trace != null && n < nets.length; n++) {
                for (int b : new int[] {1, 2}) {
                    float[] data = random(rng, b * 3 * S * S);
                    JniUtils.startProfile(false, false, false);
                    for (int r = 0; r < 5; r++) {
                        pass(manager, nets[n], data, b);
                    }
                    JniUtils.stopProfile(trace + "-" + (n == 0 ? "strided" : "contiguous") + "-b" + b + ".json");
                }
            }
            out.append(String.format(Locale.ROOT, "%nParts alone (random inputs of the layers' shapes, microseconds, median (p10) of %d):%n%n"
                    + "| part | batch 1 | batch 2 | batch 4 |%n|---|---|---|---|%n", 4 * reps));
            out.append(parts(manager, 4 * reps));
        }
        out.append(String.format(Locale.ROOT, "%nLoad average at end %.2f.%n", load()));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/benchmark-pass-breakdown.md"), out);
        System.out.println(out);
    }

    /** Calling thread's CPU ms of: forward with autograd (and the loss), backward, the two, a forward without autograd. */
    private static double[] pass(NDManager manager, FaceRecognitionNet net, float[] data, int batch) {
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager pass = manager.newSubManager()) {
            JniUtils.setGradMode(true);
            NDArray chips = pass.create(data, new Shape(batch, 3, S, S));
            chips.setRequiresGradient(true);
            long c0 = cpu();
            NDArray emb = net.forward(chips);
            NDArray loss = emb.sub(emb.stopGradient().add(0.01f)).square().sum().neg();
            long c1 = cpu();
            JniUtils.backward((PtNDArray) loss, (PtNDArray) pass.ones(loss.getShape()), false, false);
            chips.getGradient().toFloatArray();
            long c2 = cpu();
            JniUtils.setGradMode(false);
            NDArray plain = pass.create(data, new Shape(batch, 3, S, S));
            long c3 = cpu();
            net.forward(plain).toFloatArray();
            long c4 = cpu();
            return new double[] {(c1 - c0) / 1e6, (c2 - c1) / 1e6, (c2 - c0) / 1e6, (c4 - c3) / 1e6};
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static String parts(NDManager manager, int reps) {
        StringBuilder rows = new StringBuilder();
        String[] names = {"first conv (3->32, 7x7, stride 2, 150->72), forward", "first conv, forward + input gradient",
            "max pool 3x3 stride 2 (32x72x72), forward + input gradient"};
        double[][][] cells = new double[names.length][3][];
        int[] batches = {1, 2, 4};
        Random rng = new Random(2);
        NDArray w = manager.create(random(rng, 32 * 3 * 7 * 7), new Shape(32, 3, 7, 7));
        NDArray bias = manager.zeros(new Shape(32));
        for (int i = 0; i < batches.length; i++) {
            int b = batches[i];
            NDArray x = manager.create(random(rng, b * 3 * S * S), new Shape(b, 3, S, S));
            NDArray map = manager.create(random(rng, b * 32 * 72 * 72), new Shape(b, 32, 72, 72));
            cells[0][i] = time(reps, () -> {
                JniUtils.setGradMode(false);
                Conv2d.conv2d(x, w, bias, new Shape(2, 2), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow().close();
                return null;
            });
            cells[1][i] = time(reps, () -> withGradient(manager, x,
                    in -> Conv2d.conv2d(in, w, bias, new Shape(2, 2), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow()));
            cells[2][i] = time(reps, () -> withGradient(manager, map,
                    in -> Pool.maxPool2d(in, new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false)));
        }
        for (int p = 0; p < names.length; p++) {
            rows.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", names[p], cellUs(cells[p][0]), cellUs(cells[p][1]), cellUs(cells[p][2])));
        }
        return rows.toString();
    }

    private static Void withGradient(NDManager manager, NDArray input, java.util.function.Function<NDArray, NDArray> op) {
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager p = manager.newSubManager()) {
            JniUtils.setGradMode(true);
            NDArray x = input.duplicate();
            x.attach(p);
            x.setRequiresGradient(true);
            NDArray loss = op.apply(x).sum();
            JniUtils.backward((PtNDArray) loss, (PtNDArray) p.ones(loss.getShape()), false, false);
            x.getGradient();
            return null;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** Calling thread's CPU microseconds of each of {@code reps} runs after 10 warm-up runs. */
    private static double[] time(int reps, Supplier<Void> run) {
        for (int i = 0; i < 10; i++) {
            run.get();
        }
        double[] us = new double[reps];
        for (int i = 0; i < reps; i++) {
            long c = cpu();
            run.get();
            us[i] = (cpu() - c) / 1e3;
        }
        return us;
    }

    private static float[] random(Random rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextFloat() * 255;
        }
        return a;
    }

    private static String cell(double[] ms) {
        return String.format(Locale.ROOT, "%.1f (%.1f)", percentile(ms, 50), percentile(ms, 10));
    }

    private static String cellUs(double[] us) {
        return String.format(Locale.ROOT, "%.0f (%.0f)", percentile(us, 50), percentile(us, 10));
    }

    private static double percentile(double[] v, int p) {
        return BenchmarkStats.pct(Arrays.stream(v).boxed().toList(), p);
    }

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
