package dev.dntme.gateway.cloak.attack;

import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.geom.Point2D;
import java.util.List;

/**
 * Carries a face's cloak from one frame to the next in the face's own aligned coordinates: the perturbation is read
 * out of the optimiser's grid into the face's dlib chip ({@code [3,S,S]}), and written back into the grid of the same
 * face in the next frame, wherever its alignment has moved, turned or scaled it. Consecutive frames of a face differ
 * little, so the carried cloak starts close to one that works: later frames need a few steps, not a whole cloak.
 */
public final class WarmStart {

    static final int S = ChipWarp.S;

    private WarmStart() {}

    /** Start grids from each face's carried chip perturbation (null entries: that face starts from noise). */
    public static CloakOptimizer.InitialGrid from(List<float[]> chipDeltas) {
        return (face, warp, chipToImage) -> chipDeltas.get(face) == null ? null : toGrid(chipDeltas.get(face), warp, chipToImage);
    }

    /**
     * A grid's perturbation sampled at every chip pixel: the chip pixel's image point, then the grid's bilinear
     * upsampling ({@link ChipWarp#linearUpsample}) read at that point; zero outside the grid's region.
     */
    static float[] toChip(float[] grid, ChipWarp warp, AffineTransform chipToImage) {
        Rectangle region = warp.region;
        float[] out = new float[3 * S * S];
        Point2D.Double src = new Point2D.Double();
        Point2D.Double dst = new Point2D.Double();
        int plane = warp.gridH * warp.gridW;
        for (int v = 0; v < S; v++) {
            for (int u = 0; u < S; u++) {
                src.setLocation(u, v);
                chipToImage.transform(src, dst);
                double x = dst.x - region.x;
                double y = dst.y - region.y;
                if (x < -0.5 || y < -0.5 || x > region.width - 0.5 || y > region.height - 0.5) {
                    continue;
                }
                // the inverse of linearUpsample: region pixel i sits at grid coordinate (i + 0.5) * n / size - 0.5
                double gx = clamp((x + 0.5) * warp.gridW / region.width - 0.5, warp.gridW - 1);
                double gy = clamp((y + 0.5) * warp.gridH / region.height - 0.5, warp.gridH - 1);
                int i0 = Math.min((int) gx, warp.gridW - 1);
                int j0 = Math.min((int) gy, warp.gridH - 1);
                int i1 = Math.min(i0 + 1, warp.gridW - 1);
                int j1 = Math.min(j0 + 1, warp.gridH - 1);
                double fx = gx - i0;
                double fy = gy - j0;
                for (int c = 0; c < 3; c++) {
                    int o = c * plane;
                    out[c * S * S + v * S + u] = (float) ((1 - fx) * (1 - fy) * grid[o + j0 * warp.gridW + i0]
                            + fx * (1 - fy) * grid[o + j0 * warp.gridW + i1] + (1 - fx) * fy * grid[o + j1 * warp.gridW + i0]
                            + fx * fy * grid[o + j1 * warp.gridW + i1]);
                }
            }
        }
        return out;
    }

    /**
     * The start grid for a face at {@code chipToImage}: each grid cell takes the chip perturbation at its centre's chip
     * coordinates (zero where the cell lies outside the chip).
     */
    public static float[] toGrid(float[] chipDelta, ChipWarp warp, AffineTransform chipToImage) {
        AffineTransform imageToChip = inverse(chipToImage);
        Rectangle region = warp.region;
        float[] grid = new float[3 * warp.gridH * warp.gridW];
        Point2D.Double src = new Point2D.Double();
        Point2D.Double dst = new Point2D.Double();
        for (int j = 0; j < warp.gridH; j++) {
            double y = region.y + (j + 0.5) * region.height / warp.gridH - 0.5;
            for (int i = 0; i < warp.gridW; i++) {
                src.setLocation(region.x + (i + 0.5) * region.width / warp.gridW - 0.5, y);
                imageToChip.transform(src, dst);
                for (int c = 0; c < 3; c++) {
                    grid[c * warp.gridH * warp.gridW + j * warp.gridW + i] = sample(chipDelta, c, dst.x, dst.y);
                }
            }
        }
        return grid;
    }

    /** Bilinear sample of a {@code [3,S,S]} chip plane at (u, v); zero outside the chip. */
    public static float sample(float[] chip, int c, double u, double v) {
        if (u <= -1 || v <= -1 || u >= S || v >= S) {
            return 0f;
        }
        int u0 = (int) Math.floor(u);
        int v0 = (int) Math.floor(v);
        double fu = u - u0;
        double fv = v - v0;
        return (float) ((1 - fu) * (1 - fv) * at(chip, c, u0, v0) + fu * (1 - fv) * at(chip, c, u0 + 1, v0)
                + (1 - fu) * fv * at(chip, c, u0, v0 + 1) + fu * fv * at(chip, c, u0 + 1, v0 + 1));
    }

    private static float at(float[] chip, int c, int u, int v) {
        return u < 0 || v < 0 || u >= S || v >= S ? 0f : chip[c * S * S + v * S + u];
    }

    private static double clamp(double g, int max) {
        return Math.min(Math.max(g, 0), max);
    }

    private static AffineTransform inverse(AffineTransform t) {
        try {
            return t.createInverse();
        } catch (NoninvertibleTransformException e) {
            throw new IllegalArgumentException("alignment is not invertible", e);
        }
    }
}
