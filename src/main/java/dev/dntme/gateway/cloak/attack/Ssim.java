package dev.dntme.gateway.cloak.attack;

import dev.dntme.gateway.cloak.nets.NnOps;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/**
 * Structural similarity (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03) on
 * BT.601 luma, the usual way of scoring how visible a change is. Mean SSIM over the window positions
 * inside the rectangle.
 */
public final class Ssim {

    private static final double C1 = Math.pow(0.01 * 255, 2);
    private static final double C2 = Math.pow(0.03 * 255, 2);
    private static final double[] WINDOW = gaussian(5, 1.5);

    private Ssim() {}

    /** SSIM of two same-size images over {@code area} (clipped to the image). */
    public static double of(BufferedImage a, BufferedImage b, Rectangle area) {
        Rectangle r = area.intersection(new Rectangle(0, 0, a.getWidth(), a.getHeight()));
        if (r.width < 11 || r.height < 11) {
            r = new Rectangle(0, 0, a.getWidth(), a.getHeight());
        }
        double[] x = luma(a, r);
        double[] y = luma(b, r);
        int w = r.width;
        int h = r.height;
        double[] xx = new double[x.length];
        double[] yy = new double[x.length];
        double[] xy = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] mx = filter(x, w, h);
        double[] my = filter(y, w, h);
        double[] sxx = filter(xx, w, h);
        double[] syy = filter(yy, w, h);
        double[] sxy = filter(xy, w, h);
        int ow = w - 10;
        int oh = h - 10;
        double sum = 0;
        for (int i = 0; i < ow * oh; i++) {
            double vx = sxx[i] - mx[i] * mx[i];
            double vy = syy[i] - my[i] * my[i];
            double cxy = sxy[i] - mx[i] * my[i];
            sum += ((2 * mx[i] * my[i] + C1) * (2 * cxy + C2))
                    / ((mx[i] * mx[i] + my[i] * my[i] + C1) * (vx + vy + C2));
        }
        return sum / (ow * oh);
    }

    public static double of(BufferedImage a, BufferedImage b) {
        return of(a, b, new Rectangle(0, 0, a.getWidth(), a.getHeight()));
    }

    /** Peak signal-to-noise ratio over all RGB samples, dB. */
    public static double psnr(BufferedImage a, BufferedImage b) {
        int w = a.getWidth();
        int h = a.getHeight();
        int[] pa = NnOps.rgbPixels(a, 0, 0, w, h);
        int[] pb = NnOps.rgbPixels(b, 0, 0, w, h);
        double se = 0;
        for (int i = 0; i < pa.length; i++) {
            for (int s = 0; s <= 16; s += 8) {
                double d = ((pa[i] >> s) & 0xFF) - ((pb[i] >> s) & 0xFF);
                se += d * d;
            }
        }
        double mse = se / (3.0 * pa.length);
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255 * 255 / mse);
    }

    /** Valid-mode separable Gaussian filter: output is (w-10) x (h-10). */
    private static double[] filter(double[] src, int w, int h) {
        int ow = w - 10;
        double[] rows = new double[ow * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < 11; k++) {
                    s += WINDOW[k] * src[y * w + x + k];
                }
                rows[y * ow + x] = s;
            }
        }
        int oh = h - 10;
        double[] out = new double[ow * oh];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < 11; k++) {
                    s += WINDOW[k] * rows[(y + k) * ow + x];
                }
                out[y * ow + x] = s;
            }
        }
        return out;
    }

    private static double[] luma(BufferedImage img, Rectangle r) {
        int[] rgb = NnOps.rgbPixels(img, r.x, r.y, r.width, r.height);
        double[] out = new double[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = 0.299 * ((rgb[i] >> 16) & 0xFF) + 0.587 * ((rgb[i] >> 8) & 0xFF) + 0.114 * (rgb[i] & 0xFF);
        }
        return out;
    }

    private static double[] gaussian(int radius, double sigma) {
        double[] g = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            g[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += g[i + radius];
        }
        for (int i = 0; i < g.length; i++) {
            g[i] /= sum;
        }
        return g;
    }
}
