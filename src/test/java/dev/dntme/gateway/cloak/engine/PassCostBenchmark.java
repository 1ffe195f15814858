package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.recognition.Recognizers;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.SharedModels;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.attack.CloakOptimizer;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LocatedFace;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import dev.dntme.gateway.cloak.nets.TfjsGraphRecognizer;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The unit of the cloak's cost: one forward + backward pass (gradient with respect to the input chips,
 * as a PGD step takes it) of each recogniser at batch 1, 2, 4 and 8, at each PyTorch intra-op thread
 * count; and the cost of one publish check (encode, decode, re-extract, describe, re-align, describe) in
 * the same unit.
 *
 * <p>Batch matters because a step of a one-face photo is one pass at batch {@code eotSamples} (2 by
 * default) and the only way to fill larger batches is to step several requests' faces together: that is
 * worth building only if a sample costs clearly less at batch 4-8 than at batch 2.
 *
 * <p>{@code mvn -Pbenchmark test -Dtest=PassCostBenchmark [-Dbenchmark.intraOp=1,2] [-Dbenchmark.reps=12]
 * [-Dbenchmark.models=dlib,dlib-fp16,faceres,mobileface] [-Dbenchmark.batches=1,2,4,8] [-Dbenchmark.passOnly=true]}
 * (passOnly: the pass and forward-only tables alone, without the two-photo, publish-check and float16 sections);
 * writes target/benchmark-pass-cost.md. The intra-op thread count is process-wide; it is changed between
 * measurements here (one thread measures at a time), which PyTorch allows for the intra-op pool.
 */
@Tag("benchmark")
class PassCostBenchmark {


    @Test
    void onePassOfEachRecogniserIsTimedPerBatchAndThreadCount() throws Exception {
        int[] threads = Arrays.stream(System.getProperty("benchmark.intraOp", "1,2").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        int reps = Integer.getInteger("benchmark.reps", 12);
        int[] batches = Arrays.stream(System.getProperty("benchmark.batches", "1,2,4,8").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        List<String> models = List.of(System.getProperty("benchmark.models", "dlib,dlib-fp16,faceres,mobileface").split(","));
        boolean passOnly = Boolean.getBoolean("benchmark.passOnly");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads[0]));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Engine.getEngine("PyTorch");
        StringBuilder out = new StringBuilder("# Pass cost\n\n");
        out.append(String.format(Locale.ROOT, "%s, %d cores visible, %d repetitions per cell (median), load average at start %.2f.%n%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), reps, load()));
        out.append("One forward + backward pass (gradient w.r.t. the input chips): wall ms per pass and per sample, and the process's CPU ms per pass (all threads; less sensitive to other processes' load than wall time).\n\n");
        out.append("| model | input | intra-op threads | batch | ms / pass | ms / sample | per sample vs batch 1 | CPU ms / pass | CPU ms / sample |\n|---|---|---|---|---|---|---|---|---|\n");
        try (NDManager manager = NDManager.newBaseManager();
                FaceRecognitionNet dlib = FaceRecognitionNet.load(manager, CloakProperties.defaults().modelLocation());
                TfjsGraphRecognizer faceRes = TfjsGraphRecognizer.load(manager, Recognizers.builtIn().tfjsSpec(Recognizers.FACERES));
                TfjsGraphRecognizer mobileFace = TfjsGraphRecognizer.load(manager, Recognizers.builtIn().tfjsSpec(Recognizers.MOBILEFACE));
                FaceRecognitionNet dlibFp16 = dlib.withComputeType(DataType.FLOAT16)) {
            record Net(String key, String name, String input, Function<NDArray, NDArray> forward, DataType type) {}
            List<Net> nets = java.util.stream.Stream.of(
                    new Net("dlib", "dlib ResNet", "150x150", dlib::forward, DataType.FLOAT32),
                    new Net("dlib-fp16", "dlib ResNet, float16 layers", "150x150", dlibFp16::forward, DataType.FLOAT16),
                    new Net("faceres", "FaceRes", "150 chip -> 224", faceRes::forward, DataType.FLOAT32),
                    new Net("mobileface", "MobileFace", "150 chip -> 112", mobileFace::forward, DataType.FLOAT32))
                    .filter(n -> models.contains(n.key())).toList();
            Random rng = new Random(1);
            for (Net net : nets) {
                for (int t : threads) {
                    JniUtils.setNumThreads(t);
                    double perSample1 = Double.NaN;
                    for (int b : batches) {
                        double[][] timed = timePasses(manager, net.forward(), net.type(), b, reps, rng);
                        double ms = median(timed[0]);
                        double cpu = median(timed[1]);
                        double perSample = ms / b;
                        if (b == 1) {
                            perSample1 = perSample;
                        }
                        String row = String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f | %.1f | %+.0f%% | %.1f | %.1f |%n",
                                net.name(), net.input(), t, b, ms, perSample, 100 * (perSample / perSample1 - 1), cpu, cpu / b);
                        out.append(row);
                        System.out.print(row);
                    }
                }
            }
            out.append("\nForward only (no gradient: `FaceRecognitionNet.describe`, as a publish check runs it), dlib ResNet.\n\n"
                    + "| intra-op threads | batch | ms / call | ms / sample | CPU ms / call |\n|---|---|---|---|---|\n");
            for (int t : threads) {
                JniUtils.setNumThreads(t);
                for (int b : batches) {
                    float[][] chips = new float[b][3 * FaceRecognitionNet.CHIP_SIZE * FaceRecognitionNet.CHIP_SIZE];
                    for (float[] c : chips) {
                        for (int i = 0; i < c.length; i++) {
                            c[i] = rng.nextFloat() * 255;
                        }
                    }
                    double[] ms = new double[reps];
                    double[] cpu = new double[reps];
                    for (int r = -3; r < reps; r++) {
                        long c0 = cpuNanos();
                        long t0 = System.nanoTime();
                        dlib.describe(chips);
                        if (r >= 0) {
                            ms[r] = (System.nanoTime() - t0) / 1e6;
                            cpu[r] = (cpuNanos() - c0) / 1e6;
                        }
                    }
                    out.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.1f |%n", t, b, median(ms), median(ms) / b, median(cpu)));
                }
            }
            out.append(String.format(Locale.ROOT, "%nLoad average at end %.2f.%n", load()));
            if (!passOnly) {
                out.append(batchedVersusConcurrent(manager, dlib, reps, rng));
                out.append(publishCheckCost(manager, dlib, threads, reps, rng));
                out.append(fp16Agreement(manager, dlib, dlibFp16));
            }
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/benchmark-pass-cost.md"), out);
        System.out.println(out);
    }

    /** Wall and process-CPU milliseconds of each forward + backward pass at this batch, after warm-up passes. */
    private static double[][] timePasses(NDManager manager, Function<NDArray, NDArray> forward, DataType type, int batch, int reps,
            Random rng) {
        float[] data = new float[batch * 3 * FaceRecognitionNet.CHIP_SIZE * FaceRecognitionNet.CHIP_SIZE];
        for (int i = 0; i < data.length; i++) {
            data[i] = rng.nextFloat() * 255;
        }
        int warm = 3;
        double[] ms = new double[reps];
        double[] cpu = new double[reps];
        for (int r = -warm; r < reps; r++) {
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            pass(manager, forward, type, data, batch);
            if (r >= 0) {
                ms[r] = (System.nanoTime() - t0) / 1e6;
                cpu[r] = (cpuNanos() - c0) / 1e6;
            }
        }
        return new double[][] {ms, cpu};
    }

    /** What a PGD step does with the net: forward with gradient, a squared-distance loss, backward, read the gradient. */
    private static void pass(NDManager manager, Function<NDArray, NDArray> forward, DataType type, float[] data, int batch) {
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager pass = manager.newSubManager()) {
            JniUtils.setGradMode(true);
            int s = FaceRecognitionNet.CHIP_SIZE;
            NDArray chips = pass.create(data, new Shape(batch, 3, s, s)).toType(type, false);
            chips.setRequiresGradient(true);
            NDArray emb = forward.apply(chips);
            NDArray loss = emb.sub(emb.stopGradient().add(0.01f)).square().sum().neg();
            JniUtils.backward((PtNDArray) loss, (PtNDArray) pass.ones(loss.getShape()), false, false);
            float[] g = chips.getGradient().toType(DataType.FLOAT32, false).toFloatArray();
            assertFalse(g.length == 0);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * What cross-request batching would buy with two photos in flight: today each of 2 workers runs its own
     * step (batch 2 = 2 EOT samples, 1 intra-op thread each, in parallel); batched, one pass at batch 4 on
     * both cores would serve both. Same number of samples either way; wall time for {@code reps} steps of
     * each photo.
     */
    private static String batchedVersusConcurrent(NDManager manager, FaceRecognitionNet dlib, int reps, Random rng)
            throws InterruptedException {
        int s = 3 * FaceRecognitionNet.CHIP_SIZE * FaceRecognitionNet.CHIP_SIZE;
        float[] two = new float[2 * s];
        float[] four = new float[4 * s];
        for (int i = 0; i < four.length; i++) {
            four[i] = rng.nextFloat() * 255;
        }
        System.arraycopy(four, 0, two, 0, two.length);
        JniUtils.setNumThreads(1);
        for (int w = 0; w < 3; w++) {
            pass(manager, dlib::forward, DataType.FLOAT32, two, 2);
        }
        double l0 = load();
        long c0 = cpuNanos();
        long t0 = System.nanoTime();
        List<Thread> workers = new java.util.ArrayList<>();
        for (int k = 0; k < 2; k++) {
            Thread t = new Thread(() -> {
                JniUtils.setNumThreads(1);
                for (int r = 0; r < reps; r++) {
                    pass(manager, dlib::forward, DataType.FLOAT32, two, 2);
                }
            });
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            t.join();
        }
        double concurrentMs = (System.nanoTime() - t0) / 1e6;
        double concurrentCpu = (cpuNanos() - c0) / 1e6;
        JniUtils.setNumThreads(2);
        for (int w = 0; w < 3; w++) {
            pass(manager, dlib::forward, DataType.FLOAT32, four, 4);
        }
        c0 = cpuNanos();
        t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            pass(manager, dlib::forward, DataType.FLOAT32, four, 4);
        }
        double batchedMs = (System.nanoTime() - t0) / 1e6;
        double batchedCpu = (cpuNanos() - c0) / 1e6;
        return String.format(Locale.ROOT, "%n## Two photos stepping at once: concurrent (today) vs batched%n%n"
                + "%d steps of each of 2 photos (dlib, 2 EOT samples per step). Load average %.2f before, %.2f after.%n%n"
                + "| mode | wall ms per pair of steps | CPU ms per pair of steps |%n|---|---|---|%n"
                + "| 2 threads x batch 2, 1 intra-op thread each (2 workers today) | %.1f | %.1f |%n"
                + "| 1 thread x batch 4, 2 intra-op threads (cross-request batch) | %.1f | %.1f |%n",
                reps, l0, load(), concurrentMs / reps, concurrentCpu / reps, batchedMs / reps, batchedCpu / reps);
    }

    /**
     * One publish check of a one-face portrait, part by part, as CloakOptimizer does it: JPEG q90 encode,
     * decode, extract the chip at the original alignment, describe it, re-fit the landmarks on the decoded
     * pixels (the scraper's alignment), extract and describe that chip; and one detection (done once per
     * photo).
     */
    private static String publishCheckCost(NDManager manager, FaceRecognitionNet dlib, int[] threads, int reps, Random rng) {
        StringBuilder out = new StringBuilder("\n## Publish check, one-face portrait\n\n");
        Path photo = TestPhotos.FACES.resolve("people/obama/obama-1.jpg");
        BufferedImage image = TestPhotos.read(photo);
        FaceLocator locator = SharedModels.locator();
        List<LocatedFace> faces = locator.locate(image);
        assertTrue(!faces.isEmpty(), "no face in " + photo);
        LocatedFace face = faces.get(0);
        AffineTransform t = face.chipToImage();
        List<Rectangle2D> boxes = List.of(face.box());
        out.append(String.format(Locale.ROOT, "Photo %s (%dx%d). Median ms of %d repetitions.%n%n", photo.getFileName(),
                image.getWidth(), image.getHeight(), reps));
        out.append("| intra-op threads | encode JPEG q90 | decode | extract chip | describe (fwd, batch 1) | re-fit landmarks | "
                + "extract + describe re-fitted | whole check | detection + landmarks (once per photo) |\n|---|---|---|---|---|---|---|---|---|\n");
        for (int th : threads) {
            JniUtils.setNumThreads(th);
            double[] enc = new double[reps];
            double[] dec = new double[reps];
            double[] ext = new double[reps];
            double[] desc = new double[reps];
            double[] realign = new double[reps];
            double[] again = new double[reps];
            double[] whole = new double[reps];
            double[] detect = new double[reps];
            for (int r = -2; r < reps; r++) {
                long a = System.nanoTime();
                byte[] bytes = TestPhotos.jpeg90(image);
                long b = System.nanoTime();
                BufferedImage decoded = CloakOptimizer.decode(bytes);
                long c = System.nanoTime();
                float[] chip = FaceAligner.extractChip(decoded, t);
                long d = System.nanoTime();
                dlib.describe(chip);
                long e = System.nanoTime();
                List<AffineTransform> refit = locator.realign(decoded, boxes);
                long f = System.nanoTime();
                dlib.describe(FaceAligner.extractChip(decoded, refit.get(0) != null ? refit.get(0) : t));
                long g = System.nanoTime();
                locator.locate(image);
                long h = System.nanoTime();
                if (r >= 0) {
                    enc[r] = (b - a) / 1e6;
                    dec[r] = (c - b) / 1e6;
                    ext[r] = (d - c) / 1e6;
                    desc[r] = (e - d) / 1e6;
                    realign[r] = (f - e) / 1e6;
                    again[r] = (g - f) / 1e6;
                    whole[r] = (g - a) / 1e6;
                    detect[r] = (h - g) / 1e6;
                }
            }
            out.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | **%.1f** | %.1f |%n", th,
                    median(enc), median(dec), median(ext), median(desc), median(realign), median(again), median(whole), median(detect)));
        }
        out.append(String.format(Locale.ROOT, "%nLoad average at end %.2f.%n", load()));
        return out.toString();
    }

    /**
     * How far float16 layers move the descriptor and the gradient's sign (what a PGD step uses) from the
     * float32 net, on real portraits' chips.
     */
    private static String fp16Agreement(NDManager manager, FaceRecognitionNet fp32, FaceRecognitionNet fp16) {
        StringBuilder out = new StringBuilder("\n## float16 layers vs float32, real chips\n\n"
                + "| photo | descriptor distance fp32 vs fp16 | gradient sign agreement |\n|---|---|---|\n");
        FaceLocator locator = SharedModels.locator();
        for (String name : List.of("people/obama/obama-1.jpg", "people/biden/biden-1.jpg", "people/rose_leslie/rose_leslie-1.jpg")) {
            BufferedImage image = TestPhotos.read(name);
            float[] chip = FaceAligner.extractChip(image, locator.locate(image).get(0).chipToImage());
            double d = FaceRecognitionNet.distance(fp32.describe(chip)[0], describe16(manager, fp16, chip));
            float[] target = fp32.describe(chip)[0].clone();
            Random r = new Random(3);
            float[] noisy = chip.clone();
            for (int i = 0; i < noisy.length; i++) {
                noisy[i] = Math.max(0, Math.min(255, noisy[i] + (float) (r.nextDouble() * 12 - 6)));
            }
            float[] g32 = gradient(manager, fp32, DataType.FLOAT32, noisy, target);
            float[] g16 = gradient(manager, fp16, DataType.FLOAT16, noisy, target);
            int same = 0;
            for (int i = 0; i < g32.length; i++) {
                same += Math.signum(g32[i]) == Math.signum(g16[i]) ? 1 : 0;
            }
            out.append(String.format(Locale.ROOT, "| %s | %.4f | %.1f%% |%n", name, d, 100.0 * same / g32.length));
        }
        return out.toString();
    }

    private static float[] describe16(NDManager manager, FaceRecognitionNet net, float[] chip) {
        try (NDManager pass = manager.newSubManager()) {
            int s = FaceRecognitionNet.CHIP_SIZE;
            return net.forward(pass.create(chip, new Shape(1, 3, s, s)).toType(DataType.FLOAT16, false))
                    .toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    /** Gradient of the squared descriptor distance to {@code target} with respect to the chip. */
    private static float[] gradient(NDManager manager, FaceRecognitionNet net, DataType type, float[] chip, float[] target) {
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager pass = manager.newSubManager()) {
            JniUtils.setGradMode(true);
            int s = FaceRecognitionNet.CHIP_SIZE;
            NDArray x = pass.create(chip, new Shape(1, 3, s, s)).toType(type, false);
            x.setRequiresGradient(true);
            NDArray emb = net.forward(x);
            NDArray loss = emb.sub(pass.create(target, new Shape(1, target.length)).toType(type, false)).square().sum().neg();
            JniUtils.backward((PtNDArray) loss, (PtNDArray) pass.ones(loss.getShape(), type), false, false);
            return x.getGradient().toType(DataType.FLOAT32, false).toFloatArray();
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
