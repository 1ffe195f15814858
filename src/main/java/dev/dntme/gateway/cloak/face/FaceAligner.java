package dev.dntme.gateway.cloak.face;

import dev.dntme.gateway.cloak.nets.NnOps;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

/**
 * Aligned 150x150 face chips, the way dlib / face_recognition make them:
 * {@code get_face_chip_details(shape, 150, 0.25)} with dlib's 5-point mean face (both corners of each
 * eye and the base of the nose), fitted by least squares with a similarity transform (rotation,
 * uniform scale, translation; no shear, no mirror). The eyes end up level at fixed chip positions.
 *
 * <p>The five points are taken from the 68-point landmarks: 45, 42 (image-right eye outer, inner),
 * 36, 39 (image-left eye outer, inner), 33 (nose base); these are the points dlib's 5-point model
 * predicts, and dlib's 68-point mean face puts point 33 exactly where its 5-point face puts the nose.
 *
 * <h2>Coordinates (exact, for mapping a perturbation back)</h2>
 * Chip and image both use pixel-centre coordinates: chip pixel {@code (u, v)}, {@code 0 <= u,v < 150},
 * has its centre at {@code (u, v)}; image pixel {@code (x, y)} likewise. {@code chipToImage} maps
 * chip coordinates to image coordinates, so
 * <ul>
 *   <li>chip value at {@code (u,v)} = image sampled (bilinear) at {@code chipToImage.transform(u,v)};</li>
 *   <li>to put a chip-space perturbation {@code d} back on the full-resolution image, for every image
 *       pixel {@code (x,y)} in {@link #chipBoundsInImage} take {@code (u,v) = chipToImage.inverseTransform(x,y)}
 *       and add {@code d} sampled bilinearly at {@code (u,v)} (zero outside {@code [0,149]}).</li>
 * </ul>
 * The transform is a similarity, so {@code chipToImage.getScaleX()}/{@code getShearY()} are
 * {@code s*cos(a)} / {@code s*sin(a)} with {@code s} image pixels per chip pixel.
 */
public final class FaceAligner {

    /** Side of the aligned chip, as dlib's face recognition net expects. */
    public static final int CHIP_SIZE = 150;
    /** dlib's padding argument: the mean face spans {@code 1/(1+2*0.25)} of the chip. */
    public static final double PADDING = 0.25;

    /** 68-point indices of dlib's 5 points, in dlib's 5-point order. */
    private static final int[] FIVE_POINTS = {45, 42, 36, 39, 33};
    /** dlib's 5-point mean face (interpolation.h), in units of the unpadded face square. */
    private static final double[][] MEAN_FACE_5 = {
        {0.8595674595992, 0.2134981538014},
        {0.6460604764104, 0.2289674387677},
        {0.1205750620789, 0.2137274526848},
        {0.3340850613712, 0.2290642403242},
        {0.4901123135679, 0.6277975316475},
    };

    private FaceAligner() {}

    /**
     * Where dlib's template puts the {@code k}-th of the five points in the chip
     * (0: image-right eye outer corner, 1: its inner corner, 2: image-left eye outer, 3: its inner, 4: nose base).
     */
    public static Point2D templatePoint(int k) {
        double scale = CHIP_SIZE / (1 + 2 * PADDING);
        return new Point2D.Double((PADDING + MEAN_FACE_5[k][0]) * scale, (PADDING + MEAN_FACE_5[k][1]) * scale);
    }

    /** Chip-to-image transform of a located face (same as {@link LocatedFace#chipToImage()}). */
    public static AffineTransform chipToImage(LocatedFace face) {
        return chipToImage(face.landmarks());
    }

    /**
     * Least-squares similarity that maps the template's five chip points onto the face's five
     * landmarks (dlib's {@code find_similarity_transform}, which for 2-D is this closed form).
     *
     * @param landmarks68 136 floats {@code x0,y0,...} in image pixels
     */
    public static AffineTransform chipToImage(float[] landmarks68) {
        if (landmarks68.length != 136) {
            throw new IllegalArgumentException("expected 136 landmark coordinates, got " + landmarks68.length);
        }
        int n = FIVE_POINTS.length;
        double[] px = new double[n], py = new double[n], qx = new double[n], qy = new double[n];
        double pmx = 0, pmy = 0, qmx = 0, qmy = 0;
        for (int k = 0; k < n; k++) {
            Point2D t = templatePoint(k);
            px[k] = t.getX();
            py[k] = t.getY();
            qx[k] = landmarks68[2 * FIVE_POINTS[k]];
            qy[k] = landmarks68[2 * FIVE_POINTS[k] + 1];
            pmx += px[k] / n;
            pmy += py[k] / n;
            qmx += qx[k] / n;
            qmy += qy[k] / n;
        }
        // Minimise sum |[a -b; b a] p + t - q|^2 over centred points.
        double dot = 0, cross = 0, norm = 0;
        for (int k = 0; k < n; k++) {
            double ax = px[k] - pmx, ay = py[k] - pmy, bx = qx[k] - qmx, by = qy[k] - qmy;
            dot += ax * bx + ay * by;
            cross += ax * by - ay * bx;
            norm += ax * ax + ay * ay;
        }
        double a = dot / norm;
        double b = cross / norm;
        double tx = qmx - (a * pmx - b * pmy);
        double ty = qmy - (b * pmx + a * pmy);
        // AffineTransform(m00, m10, m01, m11, m02, m12)
        return new AffineTransform(a, b, -b, a, tx, ty);
    }

    /** Image pixels (clipped to the image) that the chip covers, for pasting results back. */
    public static Rectangle2D chipBoundsInImage(AffineTransform chipToImage, int imageWidth, int imageHeight) {
        Rectangle2D chip = new Rectangle2D.Double(-0.5, -0.5, CHIP_SIZE, CHIP_SIZE);
        Rectangle2D bounds = chipToImage.createTransformedShape(chip).getBounds2D();
        return bounds.createIntersection(new Rectangle2D.Double(0, 0, imageWidth, imageHeight));
    }

    /**
     * The aligned chip: RGB planes (CHW, {@code 3*150*150}), values 0..255 as floats. Chip pixel
     * {@code (u,v)} is the image sampled bilinearly at {@code chipToImage(u,v)}; neighbours outside
     * the image count as black (dlib fills outside with 0). When one chip pixel covers more than about
     * 1.5 image pixels, it averages an s x s grid of bilinear samples over its footprint so that large
     * faces are not aliased (dlib uses an image pyramid for the same reason); the centre stays exact.
     * Alpha is ignored.
     */
    public static float[] extractChip(BufferedImage image, AffineTransform chipToImage) {
        int w = image.getWidth();
        int h = image.getHeight();
        Rectangle2D region = chipBoundsInImage(chipToImage, w, h);
        float[] chip = new float[3 * CHIP_SIZE * CHIP_SIZE];
        if (region.isEmpty()) {
            return chip;
        }
        // Read only the covered part of the image (+1 px for the bilinear neighbours).
        int rx = Math.max(0, (int) Math.floor(region.getMinX()) - 1);
        int ry = Math.max(0, (int) Math.floor(region.getMinY()) - 1);
        int rw = Math.min(w, (int) Math.ceil(region.getMaxX()) + 2) - rx;
        int rh = Math.min(h, (int) Math.ceil(region.getMaxY()) + 2) - ry;
        int[] rgb = NnOps.rgbPixels(image, rx, ry, rw, rh);

        double m00 = chipToImage.getScaleX(), m01 = chipToImage.getShearX(), m02 = chipToImage.getTranslateX();
        double m10 = chipToImage.getShearY(), m11 = chipToImage.getScaleY(), m12 = chipToImage.getTranslateY();
        double scale = Math.sqrt(Math.abs(m00 * m11 - m01 * m10));
        int s = scale > 1.5 ? (int) Math.ceil(scale) : 1;
        double[] offsets = new double[s];
        for (int k = 0; k < s; k++) {
            offsets[k] = (k + 0.5) / s - 0.5;
        }
        int plane = CHIP_SIZE * CHIP_SIZE;
        float[] acc = new float[3];
        for (int v = 0; v < CHIP_SIZE; v++) {
            for (int u = 0; u < CHIP_SIZE; u++) {
                acc[0] = acc[1] = acc[2] = 0;
                for (double dv : offsets) {
                    for (double du : offsets) {
                        double cu = u + du, cv = v + dv;
                        double x = m00 * cu + m01 * cv + m02 - rx;
                        double y = m10 * cu + m11 * cv + m12 - ry;
                        addBilinear(rgb, rw, rh, x, y, acc);
                    }
                }
                int at = v * CHIP_SIZE + u;
                float norm = 1f / (s * s);
                // Clamp: float rounding in the weighted sums can land a hair outside 0..255.
                chip[at] = clamp255(acc[0] * norm);
                chip[plane + at] = clamp255(acc[1] * norm);
                chip[2 * plane + at] = clamp255(acc[2] * norm);
            }
        }
        return chip;
    }

    private static void addBilinear(int[] rgb, int w, int h, double x, double y, float[] acc) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        float fx = (float) (x - x0);
        float fy = (float) (y - y0);
        int p00 = at(rgb, w, h, x0, y0), p01 = at(rgb, w, h, x0 + 1, y0);
        int p10 = at(rgb, w, h, x0, y0 + 1), p11 = at(rgb, w, h, x0 + 1, y0 + 1);
        float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            acc[c] += w00 * ((p00 >> shift) & 0xFF) + w01 * ((p01 >> shift) & 0xFF)
                    + w10 * ((p10 >> shift) & 0xFF) + w11 * ((p11 >> shift) & 0xFF);
        }
    }

    private static float clamp255(float v) {
        return Math.max(0f, Math.min(255f, v));
    }

    private static int at(int[] rgb, int w, int h, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0 : rgb[y * w + x];
    }
}
