package dev.dntme.gateway.cloak.nets.surrogates;

import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;

/**
 * ArcFace-style face crops: a least-squares similarity transform maps a face's five points (eye centres,
 * nose tip, mouth corners) onto a recogniser's template, and the crop is sampled through it. Coordinates
 * follow OpenCV's {@code warpAffine} as InsightFace uses it: pixel centres at integer coordinates, in the
 * image and in the crop, so template point (x, y) is crop pixel (x, y).
 */
public final class FivePointCrop {

    /** ArcFace's 112x112 template (InsightFace {@code arcface_dst}): eye centres, nose tip, mouth corners. */
    public static final double[][] ARCFACE_112 = {
        {38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366}, {41.5493, 92.3655}, {70.7299, 92.2041}};

    /**
     * The ArcFace template where it lands in a 150x150 chip holding the 112 crop upsampled (chip pixel {@code u} =
     * crop position {@code (u + 0.5) * 112/150 - 0.5}): every ArcFace-crop recogniser reads that one chip, so that
     * the cloak warps and perturbs one chip size for all recognisers.
     */
    private static final double[][] ARCFACE_IN_CHIP = inChip(ARCFACE_112, 150.0 / 112);

    private FivePointCrop() {}

    /** The shared ArcFace chip (150x150) to image pixels, fitted to the face's 68 landmarks. */
    public static AffineTransform arcFaceChipToImage(float[] landmarks68) {
        return cropToImage(ARCFACE_IN_CHIP, fivePoints(landmarks68));
    }

    private static double[][] inChip(double[][] template, double k) {
        double[][] t = new double[template.length][];
        for (int i = 0; i < template.length; i++) {
            t[i] = new double[] {(template[i][0] + 0.5) * k - 0.5, (template[i][1] + 0.5) * k - 0.5};
        }
        return t;
    }

    /**
     * The five points from the project's 68 landmarks (flat x,y pairs, image pixels): image-left eye centre
     * (mean of 36-41), image-right eye centre (42-47), nose tip (30), mouth corners (48, 54).
     */
    public static double[][] fivePoints(float[] landmarks68) {
        return new double[][] {
            mean(landmarks68, 36, 41), mean(landmarks68, 42, 47),
            {landmarks68[60], landmarks68[61]}, {landmarks68[96], landmarks68[97]}, {landmarks68[108], landmarks68[109]}};
    }

    /** The similarity (rotation, uniform scale, translation) taking crop pixels to image pixels, fitted by least squares. */
    public static AffineTransform cropToImage(double[][] template, double[][] imagePoints) {
        int n = template.length;
        double pmx = 0, pmy = 0, qmx = 0, qmy = 0;
        for (int i = 0; i < n; i++) {
            pmx += template[i][0] / n;
            pmy += template[i][1] / n;
            qmx += imagePoints[i][0] / n;
            qmy += imagePoints[i][1] / n;
        }
        double dot = 0, cross = 0, norm = 0;
        for (int i = 0; i < n; i++) {
            double ax = template[i][0] - pmx, ay = template[i][1] - pmy;
            double bx = imagePoints[i][0] - qmx, by = imagePoints[i][1] - qmy;
            dot += ax * bx + ay * by;
            cross += ax * by - ay * bx;
            norm += ax * ax + ay * ay;
        }
        double a = dot / norm, b = cross / norm;
        return new AffineTransform(a, b, -b, a, qmx - (a * pmx - b * pmy), qmy - (b * pmx + a * pmy));
    }

    /**
     * The crop as RGB planes ({@code [3, height, width]} flattened), values 0..255. Bilinear; where one crop
     * pixel spans more than about 1.5 image pixels it averages an s x s grid of samples over its footprint (no
     * aliasing on large faces). Outside the image counts as black.
     */
    public static float[] crop(BufferedImage image, AffineTransform cropToImage, int width, int height) {
        int w = image.getWidth(), h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        double m00 = cropToImage.getScaleX(), m01 = cropToImage.getShearX(), m02 = cropToImage.getTranslateX();
        double m10 = cropToImage.getShearY(), m11 = cropToImage.getScaleY(), m12 = cropToImage.getTranslateY();
        double scale = Math.sqrt(Math.abs(m00 * m11 - m01 * m10));
        int s = scale > 1.5 ? (int) Math.ceil(scale) : 1;
        int plane = width * height;
        float[] out = new float[3 * plane];
        float[] acc = new float[3];
        for (int v = 0; v < height; v++) {
            for (int u = 0; u < width; u++) {
                acc[0] = acc[1] = acc[2] = 0;
                for (int j = 0; j < s; j++) {
                    for (int i = 0; i < s; i++) {
                        double cu = u + (i + 0.5) / s - 0.5, cv = v + (j + 0.5) / s - 0.5;
                        bilinear(rgb, w, h, m00 * cu + m01 * cv + m02, m10 * cu + m11 * cv + m12, acc);
                    }
                }
                for (int c = 0; c < 3; c++) {
                    out[c * plane + v * width + u] = Math.min(255f, Math.max(0f, acc[c] / (s * s)));
                }
            }
        }
        return out;
    }

    private static void bilinear(int[] rgb, int w, int h, double x, double y, float[] acc) {
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        double fx = x - x0, fy = y - y0;
        for (int k = 0; k < 4; k++) {
            int xi = x0 + (k & 1), yi = y0 + (k >> 1);
            double wgt = ((k & 1) == 1 ? fx : 1 - fx) * ((k >> 1) == 1 ? fy : 1 - fy);
            if (wgt == 0 || xi < 0 || yi < 0 || xi >= w || yi >= h) {
                continue;
            }
            int p = rgb[yi * w + xi];
            acc[0] += (float) (wgt * ((p >> 16) & 0xFF));
            acc[1] += (float) (wgt * ((p >> 8) & 0xFF));
            acc[2] += (float) (wgt * (p & 0xFF));
        }
    }

    private static double[] mean(float[] l, int from, int to) {
        double x = 0, y = 0;
        for (int i = from; i <= to; i++) {
            x += l[2 * i];
            y += l[2 * i + 1];
        }
        return new double[] {x / (to - from + 1), y / (to - from + 1)};
    }
}
