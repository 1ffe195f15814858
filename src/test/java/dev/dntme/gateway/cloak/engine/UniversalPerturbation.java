package dev.dntme.gateway.cloak.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.dntme.gateway.cloak.attack.ChipWarp;
import dev.dntme.gateway.cloak.attack.WarmStart;
import dev.dntme.gateway.cloak.attack.CloakOptimizer;
import dev.dntme.gateway.cloak.attack.Eot;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import dev.dntme.gateway.cloak.nets.NnOps;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;

/**
 * One perturbation per person in aligned-chip space (OPOM, Zhong and Deng, TPAMI 2022): learnt once on
 * some of the person's photos, then carried onto any other photo of them through that face's own
 * alignment. Benchmark code: nothing in production uses it.
 *
 * <p>Chip and image coordinates follow {@link FaceAligner}: pixel centres at integers, {@code chipToImage}
 * maps chip to image.
 */
final class UniversalPerturbation {

    private static final int S = FaceRecognitionNet.CHIP_SIZE;

    /**
     * @param delta  {@code [3,150,150]} chip-space perturbation, within +-eps
     * @param passes forward+backward passes of one chip through the net that learning it took
     * @param millis wall time of the learning
     */
    record Learnt(float[] delta, long passes, double millis) {}

    private UniversalPerturbation() {}

    /**
     * PGD (sign steps, L-inf cap {@code eps}) on one perturbation shared by every chip, maximising the mean
     * squared distance of the transformed, perturbed chips' descriptors from {@code away} (the person's
     * clean centre), with the cloak's own EOT. The perturbation lives on a {@code ceil(150/cell)} square
     * grid upsampled bilinearly to the chip, as the per-photo cloak's grid is.
     */
    static Learnt learn(FaceRecognitionNet net, NDManager manager, Eot eot, List<float[]> chips, float[] away, float eps,
            double cell, int steps, int samples, Random rng) {
        long t0 = System.nanoTime();
        int n = (int) Math.ceil(S / cell);
        float[] up = ChipWarp.linearUpsample(S, n);
        float[] upT = transpose(up, S, n);
        float[] grid = new float[3 * n * n];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = (float) ((rng.nextDouble() * 2 - 1) * eps);
        }
        int count = chips.size();
        float[] all = new float[count * 3 * S * S];
        for (int i = 0; i < count; i++) {
            System.arraycopy(chips.get(i), 0, all, i * 3 * S * S, 3 * S * S);
        }
        long passes = 0;
        boolean gradMode = JniUtils.isGradMode();
        try {
            for (int k = 0; k < steps; k++) {
                double alpha = eps * Math.max(0.03, 0.25 * (1 - (double) k / steps));
                try (NDManager pass = manager.newSubManager()) {
                    JniUtils.setGradMode(true);
                    NDArray g = pass.create(grid, new Shape(3, n, n));
                    g.setRequiresGradient(true);
                    NDArray delta = pass.create(up, new Shape(S, n)).matMul(g).matMul(pass.create(upT, new Shape(n, S)));
                    NDArray batch = pass.create(all, new Shape(count, 3, S, S)).add(delta.expandDims(0)).clip(0, 255);
                    boolean identityFirst = samples > 1 || k % 2 == 0;
                    NDArray emb = net.forward(eot.apply(batch, samples, identityFirst, rng, pass))
                            .reshape(count, samples, FaceRecognitionNet.DESCRIPTOR_SIZE);
                    NDArray centre = pass.create(away, new Shape(1, 1, FaceRecognitionNet.DESCRIPTOR_SIZE));
                    NDArray loss = emb.sub(centre).square().sum().div(-(float) (count * samples));
                    JniUtils.backward((PtNDArray) loss, (PtNDArray) pass.ones(loss.getShape()), false, false);
                    float[] gr = g.getGradient().toFloatArray();
                    for (int i = 0; i < grid.length; i++) {
                        float v = Float.isFinite(gr[i]) ? grid[i] - (float) (alpha * Math.signum(gr[i])) : grid[i];
                        grid[i] = Math.max(-eps, Math.min(eps, v));
                    }
                    passes += (long) count * samples;
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return new Learnt(upsample(grid, up, upT, n), passes, (System.nanoTime() - t0) / 1e6);
    }

    /** {@code [3,n,n]} grid to {@code [3,S,S]}: {@code up . g . up^T} per channel. */
    private static float[] upsample(float[] grid, float[] up, float[] upT, int n) {
        float[] out = new float[3 * S * S];
        float[] tmp = new float[S * n];
        for (int c = 0; c < 3; c++) {
            java.util.Arrays.fill(tmp, 0f);
            for (int i = 0; i < S; i++) {
                for (int k = 0; k < n; k++) {
                    float a = up[i * n + k];
                    if (a != 0) {
                        for (int j = 0; j < n; j++) {
                            tmp[i * n + j] += a * grid[c * n * n + k * n + j];
                        }
                    }
                }
            }
            for (int i = 0; i < S; i++) {
                for (int k = 0; k < n; k++) {
                    float a = tmp[i * n + k];
                    for (int j = 0; j < S; j++) {
                        out[c * S * S + i * S + j] += a * upT[k * S + j];
                    }
                }
            }
        }
        return out;
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = m[i * cols + j];
            }
        }
        return t;
    }

    /**
     * {@code image} with the chip-space perturbation carried onto the face at {@code chipToImage}: every
     * image pixel the chip covers gets the perturbation at its chip coordinates (the inverse of the
     * alignment), then is rounded and clamped to 8 bits, as publishing does.
     */
    static BufferedImage apply(BufferedImage image, AffineTransform chipToImage, float[] delta) {
        AffineTransform imageToChip = inverse(chipToImage);
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = NnOps.rgbPixels(image, 0, 0, w, h);
        // one pixel of margin: bilinear fall-off outside the chip's own bounds
        Rectangle2D b = FaceAligner.chipBoundsInImage(chipToImage, w, h);
        Rectangle r = new Rectangle((int) Math.floor(b.getMinX()) - 2, (int) Math.floor(b.getMinY()) - 2,
                (int) Math.ceil(b.getWidth()) + 4, (int) Math.ceil(b.getHeight()) + 4).intersection(new Rectangle(0, 0, w, h));
        Point2D.Double src = new Point2D.Double();
        Point2D.Double dst = new Point2D.Double();
        for (int y = r.y; y < r.y + r.height; y++) {
            for (int x = r.x; x < r.x + r.width; x++) {
                src.setLocation(x, y);
                imageToChip.transform(src, dst);
                int p = rgb[y * w + x];
                int red = clampByte(((p >> 16) & 0xFF) + WarmStart.sample(delta, 0, dst.x, dst.y));
                int green = clampByte(((p >> 8) & 0xFF) + WarmStart.sample(delta, 1, dst.x, dst.y));
                int blue = clampByte((p & 0xFF) + WarmStart.sample(delta, 2, dst.x, dst.y));
                rgb[y * w + x] = (red << 16) | (green << 8) | blue;
            }
        }
        out.getRaster().setDataElements(0, 0, w, h, rgb);
        return out;
    }

    /**
     * The per-photo optimiser's start grid for a face ({@link CloakOptimizer.InitialGrid}): each grid cell
     * takes the perturbation at its centre's chip coordinates. The optimiser's grid is upsampled onto its
     * region with {@link ChipWarp#linearUpsample}, whose cell j sits at region pixel {@code (j+0.5)*size/n - 0.5}.
     */
    static float[] toGrid(float[] delta, ChipWarp warp, AffineTransform chipToImage) {
        return WarmStart.toGrid(delta, warp, chipToImage);
    }

    private static AffineTransform inverse(AffineTransform t) {
        try {
            return t.createInverse();
        } catch (NoninvertibleTransformException e) {
            throw new IllegalArgumentException("alignment is not invertible", e);
        }
    }

    private static int clampByte(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }
}
