package dev.dntme.gateway.cloak.attack;

import java.awt.Rectangle;

/**
 * A texture-adaptive L-infinity budget: one cap per perturbation-grid cell instead of one epsilon per face,
 * larger where the clean face's local texture masks a change, smaller on flat skin.
 *
 * <p>The mask is SSIM's own sensitivity. For an 11x11 window with clean mean mu and variance sigma^2, a
 * change of spread d costs about {@code d^2 / (2 sigma^2 + C2)} in the contrast-structure term and a
 * mean shift of d about {@code d^2 / (2 mu^2 + C1)} in the luminance term. So the allowance of a pixel is
 * {@code a = sqrt(min(2 sigma^2 + C2, 2 mu^2 + C1))} (dark textured areas such as a beard are limited by
 * the luminance term), and caps proportional to it spread the SSIM cost evenly over the face instead of
 * spending it all on the cheeks and forehead, where a uniform cap is most visible.
 *
 * <p>Scale: the caps {@code min(maxEps, k a)} are scaled (k by bisection) so that their summed SSIM cost
 * {@code sum c^2 / a^2} over the face box equals that of the uniform cap {@code eps}: at the same
 * epsilon setting the face should score about the same SSIM as the uniform cloak, with much more
 * perturbation energy in the textured parts. The optimiser then shrinks a face's caps if its measured
 * SSIM on the published bytes still falls under the adaptive floor.
 */
final class PerceptualBudget {

    private static final double C1 = Math.pow(0.01 * 255, 2);
    private static final double C2 = Math.pow(0.03 * 255, 2);
    private static final int RADIUS = 5;
    private static final double SIGMA = 1.5; // SSIM's window

    /** The mask's rule, and what the caps are scaled to equal. */
    enum Mode {
        /** SSIM's sensitivity ({@link #allowance}); caps as costly in face SSIM as the uniform eps. */
        SSIM,
        /**
         * Contrast masking: a pixel's allowance is the clean luma's local spread plus {@link #MASKING_FLOOR} levels, so a
         * change hides in texture, edges and hair and stays off flat skin (where the eye, and butteraugli, see it
         * first); the caps' mean over the face box equals the uniform eps (the same budget, moved).
         */
        MASKING
    }

    /** Levels added to the local spread: even the flattest skin keeps a small share of the budget. */
    static final double MASKING_FLOOR = 1.5;

    private PerceptualBudget() {}

    /** Per-pixel contrast-masking allowance: the local luma standard deviation (SSIM's window) plus a floor. */
    static float[] masking(float[] rgb, int w, int h) {
        double[][] stats = localLuma(rgb, w, h);
        float[] a = new float[w * h];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (Math.sqrt(stats[1][i]) + MASKING_FLOOR);
        }
        return a;
    }

    /** Local mean and variance of BT.601 luma (as {@link Ssim} measures it) over SSIM's Gaussian window, border clamped. */
    private static double[][] localLuma(float[] rgb, int w, int h) {
        int plane = w * h;
        double[] y = new double[plane];
        double[] yy = new double[plane];
        for (int i = 0; i < plane; i++) {
            y[i] = 0.299 * rgb[i] + 0.587 * rgb[plane + i] + 0.114 * rgb[2 * plane + i];
            yy[i] = y[i] * y[i];
        }
        double[] mu = blur(y, w, h);
        double[] var = blur(yy, w, h);
        for (int i = 0; i < plane; i++) {
            var[i] = Math.max(0, var[i] - mu[i] * mu[i]);
        }
        return new double[][] {mu, var};
    }

    /**
     * Per-pixel allowance (see the class comment) of a {@code [3,h,w]} RGB 0..255 region, on BT.601 luma as
     * {@link Ssim} measures it; local statistics over SSIM's Gaussian window, border clamped.
     */
    static float[] allowance(float[] rgb, int w, int h) {
        double[][] stats = localLuma(rgb, w, h);
        double[] mu = stats[0];
        float[] a = new float[w * h];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sqrt(Math.min(2 * stats[1][i] + C2, 2 * mu[i] * mu[i] + C1));
        }
        return a;
    }

    /**
     * Caps for {@code warp}'s grid ({@code gridH * gridW}, shared by the three channels), at most
     * {@code maxEps}, as costly in SSIM over {@code box} (image coordinates; the whole region when they do
     * not overlap) as a uniform {@code eps}; cells outside the box get at most {@code eps}.
     *
     * @param base the clean region, {@code [3,H,W]} RGB 0..255 ({@link ChipWarp#readRegion})
     */
    static float[] caps(ChipWarp warp, float[] base, Rectangle box, float eps, float maxEps) {
        return caps(warp, base, box, eps, maxEps, false);
    }

    /** Same; with {@code outsideBox} the cells outside the box may take the larger caps too. */
    static float[] caps(ChipWarp warp, float[] base, Rectangle box, float eps, float maxEps, boolean outsideBox) {
        return caps(warp, base, box, eps, maxEps, outsideBox, Mode.SSIM);
    }

    /** Same, by the given mode's rule. */
    static float[] caps(ChipWarp warp, float[] base, Rectangle box, float eps, float maxEps, boolean outsideBox, Mode mode) {
        int w = warp.region.width;
        int h = warp.region.height;
        int gh = warp.gridH;
        int gw = warp.gridW;
        boolean masking = mode == Mode.MASKING;
        float[] a = masking ? masking(base, w, h) : allowance(base, w, h);
        float[] upY = ChipWarp.linearUpsample(h, gh); // [h, gh]
        float[] upX = ChipWarp.linearUpsample(w, gw); // [w, gw]
        // a cell's allowance: the pixels it reaches, weighted as the upsampling spreads it
        double[] tmp = new double[gh * w];
        double[] rowWeight = new double[gh];
        for (int yy = 0; yy < h; yy++) {
            for (int j = 0; j < gh; j++) {
                float u = upY[yy * gh + j];
                if (u == 0) {
                    continue;
                }
                rowWeight[j] += u;
                for (int x = 0; x < w; x++) {
                    tmp[j * w + x] += u * a[yy * w + x];
                }
            }
        }
        double[] colWeight = new double[gw];
        float[] grid = new float[gh * gw];
        for (int x = 0; x < w; x++) {
            for (int k = 0; k < gw; k++) {
                float u = upX[x * gw + k];
                if (u == 0) {
                    continue;
                }
                colWeight[k] += u;
                for (int j = 0; j < gh; j++) {
                    grid[j * gw + k] += (float) (u * tmp[j * w + x]);
                }
            }
        }
        for (int j = 0; j < gh; j++) {
            for (int k = 0; k < gw; k++) {
                grid[j * gw + k] /= (float) Math.max(1e-9, rowWeight[j] * colWeight[k]);
            }
        }
        if (maxEps <= eps) {
            float[] uniform = new float[gh * gw];
            java.util.Arrays.fill(uniform, maxEps);
            return uniform;
        }
        // the SSIM cost is measured per pixel of the box, with the cell allowances upsampled back
        float[] up = upsample(grid, gh, gw, upY, upX, h, w);
        Rectangle inRegion = box.intersection(warp.region);
        int x0 = 0, y0 = 0, x1 = w, y1 = h;
        if (!inRegion.isEmpty()) {
            x0 = inRegion.x - warp.region.x;
            y0 = inRegion.y - warp.region.y;
            x1 = x0 + inRegion.width;
            y1 = y0 + inRegion.height;
        }
        double target = 0;
        double lo = 0, hi = 0;
        for (int yy = y0; yy < y1; yy++) {
            for (int x = x0; x < x1; x++) {
                int i = yy * w + x;
                target += masking ? eps : (double) eps * eps / ((double) a[i] * a[i]);
                hi = Math.max(hi, maxEps / Math.max(1e-3, up[i]));
            }
        }
        for (int it = 0; it < 50; it++) {
            double k = (lo + hi) / 2;
            double cost = 0;
            for (int yy = y0; yy < y1; yy++) {
                for (int x = x0; x < x1; x++) {
                    int i = yy * w + x;
                    double c = Math.min(maxEps, k * up[i]);
                    cost += masking ? c : c * c / ((double) a[i] * a[i]);
                }
            }
            if (cost > target) {
                hi = k;
            } else {
                lo = k;
            }
        }
        float[] caps = new float[gh * gw];
        for (int j = 0; j < gh; j++) {
            // a cell's centre in region pixels (the inverse of linearUpsample's sampling)
            double cy = (j + 0.5) * h / gh - 0.5;
            for (int k = 0; k < gw; k++) {
                double cx = (k + 0.5) * w / gw - 0.5;
                float c = (float) Math.min(maxEps, lo * grid[j * gw + k]);
                // outside the face box (hair, ears, background of the chip) the face SSIM does not see a change:
                // there the uniform cap stays the ceiling, so the extra budget is spent on the face only
                boolean inBox = cx >= x0 && cx < x1 && cy >= y0 && cy < y1;
                caps[j * gw + k] = inBox || outsideBox ? c : Math.min(c, eps);
            }
        }
        return caps;
    }

    /** A {@code gh x gw} map upsampled to the region's pixels as {@link ChipWarp#upsample} does. */
    static float[] upsample(float[] grid, int gh, int gw, float[] upY, float[] upX, int h, int w) {
        float[] rows = new float[h * gw];
        for (int yy = 0; yy < h; yy++) {
            for (int j = 0; j < gh; j++) {
                float u = upY[yy * gh + j];
                if (u == 0) {
                    continue;
                }
                for (int k = 0; k < gw; k++) {
                    rows[yy * gw + k] += u * grid[j * gw + k];
                }
            }
        }
        float[] out = new float[h * w];
        for (int yy = 0; yy < h; yy++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int k = 0; k < gw; k++) {
                    float u = upX[x * gw + k];
                    if (u != 0) {
                        s += u * rows[yy * gw + k];
                    }
                }
                out[yy * w + x] = s;
            }
        }
        return out;
    }

    /** Per-pixel caps of {@code warp}'s region: the grid caps upsampled (the bound of any upsampled grid under them). */
    static float[] pixelCaps(ChipWarp warp, float[] caps) {
        int w = warp.region.width;
        int h = warp.region.height;
        return upsample(caps, warp.gridH, warp.gridW, ChipWarp.linearUpsample(h, warp.gridH),
                ChipWarp.linearUpsample(w, warp.gridW), h, w);
    }

    /** Separable Gaussian (SSIM's window), border clamped, same size as the input. */
    private static double[] blur(double[] src, int w, int h) {
        double[] g = new double[2 * RADIUS + 1];
        double sum = 0;
        for (int i = -RADIUS; i <= RADIUS; i++) {
            g[i + RADIUS] = Math.exp(-i * i / (2 * SIGMA * SIGMA));
            sum += g[i + RADIUS];
        }
        for (int i = 0; i < g.length; i++) {
            g[i] /= sum;
        }
        double[] rows = new double[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int k = -RADIUS; k <= RADIUS; k++) {
                    s += g[k + RADIUS] * src[y * w + Math.max(0, Math.min(w - 1, x + k))];
                }
                rows[y * w + x] = s;
            }
        }
        double[] out = new double[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int k = -RADIUS; k <= RADIUS; k++) {
                    s += g[k + RADIUS] * rows[Math.max(0, Math.min(h - 1, y + k)) * w + x];
                }
                out[y * w + x] = s;
            }
        }
        return out;
    }
}
