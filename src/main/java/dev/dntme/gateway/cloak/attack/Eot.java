package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import java.util.Random;

/**
 * Expectation over transformations: random small zooms, sub-pixel/pixel shifts and Gaussian blurs of
 * the chip, the kinds of change a re-upload, a re-crop, a slightly different landmark fit or a
 * resampling make. Each is separable, so one transform is two 150x150 matrices: {@code Ay . chip . Axt}.
 */
public final class Eot {

    private static final int S = FaceRecognitionNet.CHIP_SIZE;

    private final double maxZoom;
    private final double maxShift;
    private final double maxBlurSigma;

    /**
     * @param maxZoom      relative, e.g. 0.08 draws a zoom in [0.92, 1.08]
     * @param maxShift     chip pixels
     * @param maxBlurSigma chip pixels; sigma drawn uniformly in [0, max]
     */
    public Eot(double maxZoom, double maxShift, double maxBlurSigma) {
        this.maxZoom = maxZoom;
        this.maxShift = maxShift;
        this.maxBlurSigma = maxBlurSigma;
    }

    /** {@code count} transforms, the first one the identity, of a {@code [F,3,S,S]} batch. */
    public NDArray apply(NDArray chips, int count, Random rng, NDManager m) {
        return apply(chips, count, true, rng, m);
    }

    /**
     * {@code count} transforms of a {@code [F,3,S,S]} batch, stacked to {@code [F*count,3,S,S]} face-major.
     * With {@code identityFirst} the first is the identity; without it every one is random, which lets a
     * one-sample budget alternate identity and random steps instead of never transforming.
     */
    public NDArray apply(NDArray chips, int count, boolean identityFirst, Random rng, NDManager m) {
        long faces = chips.getShape().get(0);
        float[] ys = new float[count * S * S];
        float[] xts = new float[count * S * S];
        for (int t = 0; t < count; t++) {
            boolean identity = identityFirst && t == 0;
            double sigma = identity ? 0 : rng.nextDouble() * maxBlurSigma;
            double zoom = identity ? 1 : 1 + (rng.nextDouble() * 2 - 1) * maxZoom;
            float[] y = multiply(blur(sigma), resample(zoom, identity ? 0 : (rng.nextDouble() * 2 - 1) * maxShift));
            float[] x = multiply(blur(sigma), resample(zoom, identity ? 0 : (rng.nextDouble() * 2 - 1) * maxShift));
            System.arraycopy(y, 0, ys, t * S * S, S * S);
            for (int i = 0; i < S; i++) {
                for (int j = 0; j < S; j++) {
                    xts[t * S * S + j * S + i] = x[i * S + j];
                }
            }
        }
        NDArray a = m.create(ys, new Shape(1, count, 1, S, S));
        NDArray axt = m.create(xts, new Shape(1, count, 1, S, S));
        NDArray expanded = chips.reshape(faces, 1, 3, S, S);
        // broadcast matmul: [1,T,1,S,S] x [F,1,3,S,S] -> [F,T,3,S,S]
        return a.matMul(expanded).matMul(axt).reshape(faces * count, 3, S, S);
    }

    /** Row i samples position c + (i - c) / zoom + shift, bilinear, border clamped. */
    static float[] resample(double zoom, double shift) {
        float[] m = new float[S * S];
        double c = (S - 1) / 2.0;
        for (int i = 0; i < S; i++) {
            double p = Math.min(Math.max(c + (i - c) / zoom + shift, 0), S - 1);
            int j = Math.min((int) Math.floor(p), S - 1);
            int j1 = Math.min(j + 1, S - 1);
            double f = p - j;
            m[i * S + j] += (float) (1 - f);
            m[i * S + j1] += (float) f;
        }
        return m;
    }

    static float[] blur(double sigma) {
        float[] m = new float[S * S];
        if (sigma < 0.3) {
            for (int i = 0; i < S; i++) {
                m[i * S + i] = 1;
            }
            return m;
        }
        int r = (int) Math.ceil(3 * sigma);
        for (int i = 0; i < S; i++) {
            double sum = 0;
            for (int k = -r; k <= r; k++) {
                int j = Math.min(Math.max(i + k, 0), S - 1);
                double g = Math.exp(-k * k / (2 * sigma * sigma));
                m[i * S + j] += (float) g;
                sum += g;
            }
            for (int j = Math.max(0, i - r); j <= Math.min(S - 1, i + r); j++) {
                m[i * S + j] /= (float) sum;
            }
        }
        return m;
    }

    static float[] multiply(float[] a, float[] b) {
        float[] out = new float[S * S];
        for (int i = 0; i < S; i++) {
            for (int k = 0; k < S; k++) {
                float v = a[i * S + k];
                if (v == 0) {
                    continue;
                }
                for (int j = 0; j < S; j++) {
                    out[i * S + j] += v * b[k * S + j];
                }
            }
        }
        return out;
    }
}
