package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import dev.dntme.gateway.cloak.nets.NnOps;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;

/**
 * Geometry of one face for the optimiser: the image region the 150x150 chip is sampled from, a
 * differentiable bilinear warp region -> chip, and a coarse perturbation grid upsampled onto the region.
 *
 * <p>The cloak is optimised in image pixels (through the warp) rather than in chip pixels so that what
 * the optimiser sees is exactly what gets published; the coarse grid (about one cell per chip pixel, never
 * finer than an image pixel) keeps the perturbation smooth, which is what survives resampling and JPEG.
 */
public final class ChipWarp {

    static final int S = FaceRecognitionNet.CHIP_SIZE;

    public final Rectangle region;
    public final int gridH;
    public final int gridW;
    private final long[] gatherIndex; // [3, 4*S*S]: the 4 bilinear neighbours of each chip pixel, per channel
    private final float[] gatherWeight; // [4, S*S]
    private final float[] upY; // [H, gridH]
    private final float[] upXt; // [gridW, W]

    public ChipWarp(AffineTransform chipToImage, int imageWidth, int imageHeight, double cellInChipPixels) {
        this(chipToImage, regionOf(chipToImage, imageWidth, imageHeight), cellInChipPixels);
    }

    /** The smallest image region (clamped to the image) that a chip at {@code chipToImage} samples from. */
    public static Rectangle regionOf(AffineTransform chipToImage, int imageWidth, int imageHeight) {
        double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (double[] c : new double[][] {{0, 0}, {S - 1, 0}, {0, S - 1}, {S - 1, S - 1}}) {
            Point2D p = chipToImage.transform(new Point2D.Double(c[0], c[1]), null);
            minX = Math.min(minX, p.getX());
            minY = Math.min(minY, p.getY());
            maxX = Math.max(maxX, p.getX());
            maxY = Math.max(maxY, p.getY());
        }
        int x0 = clamp((int) Math.floor(minX), 0, imageWidth - 1);
        int y0 = clamp((int) Math.floor(minY), 0, imageHeight - 1);
        int x1 = clamp((int) Math.ceil(maxX) + 1, x0 + 1, imageWidth);
        int y1 = clamp((int) Math.ceil(maxY) + 1, y0 + 1, imageHeight);
        return new Rectangle(x0, y0, x1 - x0, y1 - y0);
    }

    /**
     * A warp sampling {@code region} (which must hold every pixel the chip samples, else the border
     * repeats): two chips of one face with different alignments can share one region and one grid.
     */
    public ChipWarp(AffineTransform chipToImage, Rectangle region, double cellInChipPixels) {
        this.region = region;
        int x0 = region.x;
        int y0 = region.y;
        int w = region.width;
        int h = region.height;

        gatherIndex = new long[3 * 4 * S * S];
        gatherWeight = new float[4 * S * S];
        Point2D.Double src = new Point2D.Double();
        Point2D.Double dst = new Point2D.Double();
        for (int v = 0; v < S; v++) {
            for (int u = 0; u < S; u++) {
                src.setLocation(u, v);
                chipToImage.transform(src, dst);
                // outside the image the chip repeats the border, as an aligner clamping coordinates does
                double px = Math.min(Math.max(dst.x - x0, 0), w - 1);
                double py = Math.min(Math.max(dst.y - y0, 0), h - 1);
                int ix = Math.min((int) Math.floor(px), w - 1);
                int iy = Math.min((int) Math.floor(py), h - 1);
                int ix1 = Math.min(ix + 1, w - 1);
                int iy1 = Math.min(iy + 1, h - 1);
                float fx = (float) (px - ix);
                float fy = (float) (py - iy);
                int k = v * S + u;
                long[] idx = {(long) iy * w + ix, (long) iy * w + ix1, (long) iy1 * w + ix, (long) iy1 * w + ix1};
                float[] wt = {(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy};
                for (int n = 0; n < 4; n++) {
                    gatherWeight[n * S * S + k] = wt[n];
                    for (int c = 0; c < 3; c++) {
                        gatherIndex[c * 4 * S * S + n * S * S + k] = idx[n];
                    }
                }
            }
        }

        double imagePixelsPerChipPixel = Math.sqrt(Math.abs(chipToImage.getDeterminant()));
        double cell = Math.max(1.0, imagePixelsPerChipPixel * cellInChipPixels);
        gridH = Math.max(2, (int) Math.ceil(h / cell));
        gridW = Math.max(2, (int) Math.ceil(w / cell));
        upY = linearUpsample(h, gridH);
        float[] upX = linearUpsample(w, gridW);
        upXt = new float[gridW * w];
        for (int i = 0; i < w; i++) {
            for (int j = 0; j < gridW; j++) {
                upXt[j * w + i] = upX[i * gridW + j];
            }
        }
    }

    /** {@code [3,H,W]} region (gradient flows) to its {@code [3,S,S]} chip. */
    public NDArray warp(NDArray region, NDManager m) {
        NDArray flat = region.reshape(3, (long) this.region.height * this.region.width);
        NDArray idx = m.create(gatherIndex, new Shape(3, 4L * S * S));
        NDArray picked = flat.gather(idx, 1).reshape(3, 4, (long) S * S);
        NDArray wt = m.create(gatherWeight, new Shape(1, 4, (long) S * S));
        return picked.mul(wt).sum(new int[] {1}).reshape(3, S, S);
    }

    /** {@code [3,gridH,gridW]} perturbation grid to {@code [3,H,W]} region pixels. */
    public NDArray upsample(NDArray grid, NDManager m) {
        NDArray uy = m.create(upY, new Shape(region.height, gridH));
        NDArray uxt = m.create(upXt, new Shape(gridW, region.width));
        return uy.matMul(grid).matMul(uxt);
    }

    /** The region's pixels as {@code [3,H,W]} RGB 0..255. */
    float[] readRegion(BufferedImage image) {
        int w = region.width;
        int h = region.height;
        int[] rgb = NnOps.rgbPixels(image, region.x, region.y, w, h);
        float[] out = new float[3 * w * h];
        for (int i = 0; i < w * h; i++) {
            out[i] = (rgb[i] >> 16) & 0xFF;
            out[w * h + i] = (rgb[i] >> 8) & 0xFF;
            out[2 * w * h + i] = rgb[i] & 0xFF;
        }
        return out;
    }

    /** Bilinear weights: row i of the result samples the n-point grid at the centre of output pixel i. */
    public static float[] linearUpsample(int size, int n) {
        float[] m = new float[size * n];
        for (int i = 0; i < size; i++) {
            double g = (i + 0.5) * n / size - 0.5;
            g = Math.min(Math.max(g, 0), n - 1);
            int j = Math.min((int) Math.floor(g), n - 1);
            int j1 = Math.min(j + 1, n - 1);
            double f = g - j;
            m[i * n + j] += (float) (1 - f);
            m[i * n + j1] += (float) f;
        }
        return m;
    }

    /**
     * Plain bilinear chip extraction (border clamped), the non-differentiable twin of {@link #warp}:
     * used where no aligner is at hand.
     */
    static float[] extractChip(BufferedImage image, AffineTransform chipToImage) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] out = new float[3 * S * S];
        Point2D.Double src = new Point2D.Double();
        Point2D.Double dst = new Point2D.Double();
        for (int v = 0; v < S; v++) {
            for (int u = 0; u < S; u++) {
                src.setLocation(u, v);
                chipToImage.transform(src, dst);
                double px = Math.min(Math.max(dst.x, 0), w - 1);
                double py = Math.min(Math.max(dst.y, 0), h - 1);
                int ix = Math.min((int) Math.floor(px), w - 1);
                int iy = Math.min((int) Math.floor(py), h - 1);
                int ix1 = Math.min(ix + 1, w - 1);
                int iy1 = Math.min(iy + 1, h - 1);
                double fx = px - ix;
                double fy = py - iy;
                int p00 = image.getRGB(ix, iy), p01 = image.getRGB(ix1, iy), p10 = image.getRGB(ix, iy1), p11 = image.getRGB(ix1, iy1);
                for (int c = 0; c < 3; c++) {
                    int sh = 16 - 8 * c;
                    double top = ((p00 >> sh) & 0xFF) * (1 - fx) + ((p01 >> sh) & 0xFF) * fx;
                    double bottom = ((p10 >> sh) & 0xFF) * (1 - fx) + ((p11 >> sh) & 0xFF) * fx;
                    out[c * S * S + v * S + u] = (float) (top * (1 - fy) + bottom * fy);
                }
            }
        }
        return out;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
