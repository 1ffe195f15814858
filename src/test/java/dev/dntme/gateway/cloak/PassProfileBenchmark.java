package dev.dntme.gateway.cloak;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("benchmark")
class PassProfileBenchmark {

    static final ThreadMXBean TM = ManagementFactory.getThreadMXBean();

    @Test
    void profile() throws Exception {
        int threads = Integer.getInteger("benchmark.intraOp", 1);
        int reps = Integer.getInteger("benchmark.reps", 10);
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        try (NDManager manager = NDManager.newBaseManager();
                FaceRecognitionNet dense = FaceRecognitionNet.load(manager, CloakProperties.defaults().modelLocation());
                FaceRecognitionNet ported = FaceRecognitionNet.loadAsPorted(manager, CloakProperties.defaults().modelLocation())) {
            FaceRecognitionNet cl = FaceRecognitionNet.loadVariant(manager, CloakProperties.defaults().modelLocation(), 256f, true, true);
            FaceRecognitionNet clPool = FaceRecognitionNet.load(manager, CloakProperties.defaults().modelLocation());
            clPool.clPool = true;
            FaceRecognitionNet s2d = FaceRecognitionNet.load(manager, CloakProperties.defaults().modelLocation());
            s2d.enableS2d();
            FaceRecognitionNet[] nets = {ported, dense, cl, clPool, s2d};
            String[] names = {"ported", "dense", "channelsLast", "clPool", "s2d"};
            String only = System.getProperty("benchmark.only");
            if (only != null) {
                java.util.List<String> keep = Arrays.asList(only.split(","));
                FaceRecognitionNet[] allNets = nets;
                String[] allNames = names;
                nets = java.util.stream.IntStream.range(0, allNets.length).filter(i -> keep.contains(allNames[i])).mapToObj(i -> allNets[i]).toArray(FaceRecognitionNet[]::new);
                names = keep.toArray(String[]::new);
            }
            int nn = nets.length;
            Random rng = new Random(1);
            for (int b : Arrays.stream(System.getProperty("benchmark.batches", "1,2,4").split(",")).mapToInt(Integer::parseInt).toArray()) {
                float[] data = new float[b * 3 * 150 * 150];
                for (int i = 0; i < data.length; i++) {
                    data[i] = rng.nextFloat() * 255;
                }
                double[][][] t = new double[nn][4][reps];
                for (int r = -3; r < reps; r++) {
                    for (int n = 0; n < nn; n++) {
                        double[] m = pass(manager, nets[n], data, b);
                        if (r >= 0) {
                            for (int k = 0; k < 4; k++) {
                                t[n][k][r] = m[k];
                            }
                        }
                    }
                }
                for (int n = 0; n < nn; n++) {
                    System.out.printf(Locale.ROOT, "PROFILE %-13s threads %d batch %d: fwd(grad) %5.1f bwd %5.1f pass %5.1f (p10 %5.1f) fwd(nograd) %5.1f (p10 %5.1f) [thread-CPU ms, median]%n",
                            names[n], threads, b, median(t[n][0]), median(t[n][1]), median(t[n][2]), p10(t[n][2]), median(t[n][3]), p10(t[n][3]));
                }
            }
            String trace = System.getProperty("benchmark.trace");
            if (trace != null) {
                for (int n = 0; n < nn; n++)
                for (int b : new int[] {1, 2}) {
                    float[] data = new float[b * 3 * 150 * 150];
                    for (int i = 0; i < data.length; i++) {
                        data[i] = rng.nextFloat() * 255;
                    }
                    JniUtils.startProfile(false, true, false);
                    for (int r = 0; r < 5; r++) {
                        pass(manager, nets[n], data, b);
                    }
                    JniUtils.stopProfile(trace + "-" + names[n] + "-b" + b + ".json");
                }
            }
        }
    }

    /** thread-CPU ms of forward (with grad), backward, the two, and a no-grad forward. */
    static double[] pass(NDManager manager, FaceRecognitionNet net, float[] data, int b) {
        boolean gm = JniUtils.isGradMode();
        try (NDManager pass = manager.newSubManager()) {
            JniUtils.setGradMode(true);
            NDArray chips = pass.create(data, new Shape(b, 3, 150, 150));
            chips.setRequiresGradient(true);
            long c0 = cpu();
            NDArray emb = net.forward(chips);
            NDArray loss = emb.sub(emb.stopGradient().add(0.01f)).square().sum().neg();
            long c1 = cpu();
            JniUtils.backward((PtNDArray) loss, (PtNDArray) pass.ones(loss.getShape()), false, false);
            chips.getGradient().toFloatArray();
            long c2 = cpu();
            JniUtils.setGradMode(false);
            NDArray x = pass.create(data, new Shape(b, 3, 150, 150));
            long c3 = cpu();
            net.forward(x).toFloatArray();
            long c4 = cpu();
            return new double[] {(c1 - c0) / 1e6, (c2 - c1) / 1e6, (c2 - c0) / 1e6, (c4 - c3) / 1e6};
        } finally {
            JniUtils.setGradMode(gm);
        }
    }

    static long cpu() {
        return TM.getCurrentThreadCpuTime();
    }

    static double p10(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 10];
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
