package dev.dntme.gateway.cloak;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("benchmark")
class ConvMicroBenchmark {

    @Test
    void micro() {
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(1);
        JniUtils.setGradMode(false);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.randomNormal(new Shape(256, 256, 3, 3));
            NDArray b = m.zeros(new Shape(256));
            for (int n : new int[] {1, 2}) {
                for (int hw : new int[] {1, 4}) {
                    NDArray x = m.randomNormal(new Shape(n, 256, hw, hw));
                    time("conv 256x256x3x3 on " + n + "x256x" + hw + "x" + hw, () -> Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow().close());
                    NDArray xc = FaceRecognitionNet.channelsLast(x);
                    NDArray wc = FaceRecognitionNet.channelsLast(w);
                    time("CL conv 256x256x3x3 on " + n + "x256x" + hw + "x" + hw, () -> Conv2d.conv2d(xc, wc, b, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow().close());
                }
            }
            for (int n : new int[] {1, 2}) {
                NDArray x = m.randomNormal(new Shape(n, 32, 72, 72));
                time("maxpool " + n + "x32x72x72", () -> Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false).close());
                NDArray xc = FaceRecognitionNet.channelsLast(x);
                time("CL maxpool " + n + "x32x72x72", () -> Pool.maxPool2d(xc, new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false).close());
                time("relu " + n + "x32x72x72", () -> ai.djl.nn.Activation.relu(x).close());
                time("add scalar " + n + "x32x72x72", () -> x.add(1f).close());
            }
            NDArray w1 = m.randomNormal(new Shape(32, 3, 7, 7));
            NDArray b1 = m.zeros(new Shape(32));
            for (int n : new int[] {1, 2, 4}) {
                for (boolean clx : new boolean[] {false, true}) {
                    NDArray x0 = m.randomNormal(new Shape(n, 3, 150, 150));
                    NDArray xin = clx ? FaceRecognitionNet.channelsLast(x0) : x0;
                    NDArray ww = clx ? FaceRecognitionNet.channelsLast(w1) : w1;
                    String tag = (clx ? "CL " : "") + "first conv 7x7s2 b" + n;
                    time(tag + " fwd", () -> Conv2d.conv2d(xin, ww, b1, new Shape(2, 2), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow().close());
                    timeBackward(m, tag + " fwd+bwd(input)", xin, ww, b1);
                }
            }
            for (int n : new int[] {1, 2, 4}) {
                NDArray x0 = m.randomNormal(new Shape(n, 32, 72, 72));
                for (boolean sandwich : new boolean[] {false, true}) {
                    time((sandwich ? "CL-sandwich " : "") + "maxpool fwd+bwd b" + n, () -> {
                        try (NDManager p = m.newSubManager()) {
                            JniUtils.setGradMode(true);
                            NDArray x = x0.duplicate();
                            x.attach(p);
                            x.setRequiresGradient(true);
                            NDArray y;
                            if (sandwich) {
                                NDArray z = Pool.maxPool2d(FaceRecognitionNet.channelsLast(x), new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false);
                                y = z.reshape(n, -1).reshape(z.getShape());
                            } else {
                                y = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false);
                            }
                            NDArray loss = y.sum();
                            JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) loss, (ai.djl.pytorch.engine.PtNDArray) p.ones(loss.getShape()), false, false);
                            x.getGradient();
                        } finally {
                            JniUtils.setGradMode(false);
                        }
                    });
                }
            }
            NDArray w8 = w1.pad(new Shape(0, 1, 0, 1), 0); // 32x3x8x8
            NDArray ws = w8.reshape(32, 3, 4, 2, 4, 2).transpose(0, 1, 3, 5, 2, 4).reshape(32, 12, 4, 4);
            ws = m.create(ws.toFloatArray(), ws.getShape());
            NDArray wsf = ws;
            for (int n : new int[] {1, 2, 4}) {
                NDArray x0 = m.randomNormal(new Shape(n, 3, 150, 150));
                NDArray ref = Conv2d.conv2d(x0, w1, b1, new Shape(2, 2), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
                NDArray alt = Conv2d.conv2d(s2d(x0), wsf, b1, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
                System.out.println("MICRO s2d max abs diff vs 7x7s2 " + ref.sub(alt).abs().max().getFloat() + " shape " + alt.getShape());
                String tag = "s2d first conv 4x4s1 ic12 b" + n;
                time(tag + " fwd", () -> Conv2d.conv2d(s2d(x0), wsf, b1, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow().close());
                time(tag + " fwd+bwd(input)", () -> {
                    try (NDManager p = m.newSubManager()) {
                        JniUtils.setGradMode(true);
                        NDArray x = x0.duplicate();
                        x.attach(p);
                        x.setRequiresGradient(true);
                        NDArray y = Conv2d.conv2d(s2d(x), wsf, b1, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
                        NDArray loss = y.sum();
                        JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) loss, (ai.djl.pytorch.engine.PtNDArray) p.ones(loss.getShape()), false, false);
                        x.getGradient();
                    } finally {
                        JniUtils.setGradMode(false);
                    }
                });
            }
            NDArray tiny = m.ones(new Shape(1, 4));
            time("tiny add (per-op overhead)", () -> tiny.add(1f).close());
        }
    }

    static NDArray s2d(NDArray x) {
        long n = x.getShape().get(0);
        return x.reshape(n, 3, 75, 2, 75, 2).transpose(0, 1, 3, 5, 2, 4).reshape(n, 12, 75, 75);
    }

    static void timeBackward(NDManager m, String name, NDArray xin, NDArray w, NDArray b) {
        time(name, () -> {
            try (NDManager p = m.newSubManager()) {
                JniUtils.setGradMode(true);
                NDArray x = xin.duplicate();
                x.attach(p);
                x.setRequiresGradient(true);
                NDArray y = Conv2d.conv2d(x, w, b, new Shape(2, 2), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
                NDArray loss = y.sum();
                JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) loss, (ai.djl.pytorch.engine.PtNDArray) p.ones(loss.getShape()), false, false);
                x.getGradient();
            } finally {
                JniUtils.setGradMode(false);
            }
        });
    }

    static void time(String name, Runnable r) {
        var tm = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20; i++) {
            r.run();
        }
        int reps = Integer.getInteger("benchmark.reps", 200);
        double[] v = new double[reps];
        for (int i = 0; i < reps; i++) {
            long c = tm.getCurrentThreadCpuTime();
            r.run();
            v[i] = (tm.getCurrentThreadCpuTime() - c) / 1e3;
        }
        java.util.Arrays.sort(v);
        System.out.printf(Locale.ROOT, "MICRO %-45s median %.1f us  p10 %.1f us%n", name, v[reps / 2], v[reps / 10]);
    }
}
