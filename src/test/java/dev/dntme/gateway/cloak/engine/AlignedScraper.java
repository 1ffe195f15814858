package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.benchmark.protection.ScraperModel;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import dev.dntme.gateway.cloak.nets.surrogates.FivePointCrop;
import dev.dntme.gateway.cloak.recognition.Crop;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.function.Function;

/**
 * A {@link ScraperModel} made of a front end (detector + 68 landmarks), an alignment ({@link Crop}) and a
 * function "aligned crop -> embedding". Adding a recogniser to the protection benchmark is one of these:
 * <pre>{@code
 * new AlignedScraper("edgeface-xs", frontEnd, Crop.arcFace112(), crop -> edgeFace.embed(crop), AlignedScraper::euclidean)
 * }</pre>
 */
public final class AlignedScraper implements ScraperModel {

    /** Cuts the aligned input of one network out of an image, given the face's 68 landmarks (CHW, 0..255). */
    @FunctionalInterface
    public interface Crop {

        float[] extract(BufferedImage image, float[] landmarks68);

        /** dlib's 150x150 chip ({@link FaceAligner}): dlib's net, FaceRes. RGB. */
        static Crop dlibChip() {
            return (image, l) -> FaceAligner.extractChip(image, FaceAligner.chipToImage(l));
        }

        /** The ArcFace 112 crop held upsampled in a 150x150 chip, as MobileFace takes it. RGB. */
        static Crop mobileFaceChip() {
            return (image, l) -> FaceAligner.extractChip(image, FivePointCrop.arcFaceChipToImage(l));
        }

        /** The ArcFace 112x112 5-point crop (InsightFace, EdgeFace, MobileFaceNet ONNX models). RGB. */
        static Crop arcFace112() {
            return fivePoint(ARCFACE_112, 112, 112, 112, 112, false);
        }

        /** Intel face-reidentification-retail-0095: the 96x112 crop of the same template stretched to 128x128, BGR. */
        static Crop reid0095() {
            return fivePoint(ARCFACE_96X112, 96, 112, 128, 128, true);
        }

        /**
         * A least-squares similarity fit of five template points (image-left eye centre, image-right eye centre,
         * nose tip, image-left and image-right mouth corner; pixel-centre coordinates of a {@code templateWidth x
         * templateHeight} crop) to the face's landmarks, sampled into {@code width x height} (a stretch when the
         * aspect ratios differ).
         */
        static Crop fivePoint(double[][] template, int templateWidth, int templateHeight, int width, int height, boolean bgr) {
            return (image, l) -> sample(image, cropToImage(template, templateWidth, templateHeight, width, height, l), width, height, bgr);
        }
    }

    /** ArcFace's 112x112 template (also MobileFace's). */
    public static final double[][] ARCFACE_112 = {
        {38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366}, {41.5493, 92.3655}, {70.7299, 92.2041}};
    /** The same template in its original 96x112 frame (SphereFace / OpenVINO reid crops): x - 8. */
    public static final double[][] ARCFACE_96X112 = {
        {30.2946, 51.6963}, {65.5318, 51.5014}, {48.0252, 71.7366}, {33.5493, 92.3655}, {62.7299, 92.2041}};

    private final String name;
    private final ScraperFrontEnd frontEnd;
    private final Crop crop;
    private final Function<float[], float[]> net;
    private final java.util.function.ToDoubleBiFunction<float[], float[]> distance;

    public AlignedScraper(String name, ScraperFrontEnd frontEnd, Crop crop, Function<float[], float[]> net,
            java.util.function.ToDoubleBiFunction<float[], float[]> distance) {
        this.name = name;
        this.frontEnd = frontEnd;
        this.crop = crop;
        this.net = net;
        this.distance = distance;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Scraped embed(BufferedImage image) {
        return frontEnd.locate(image).map(f -> new Scraped(net.apply(crop.extract(image, f.landmarks())), f.detector()))
                .orElse(Scraped.none());
    }

    @Override
    public double distance(float[] a, float[] b) {
        return distance.applyAsDouble(a, b);
    }

    public static double euclidean(float[] a, float[] b) {
        return FaceRecognitionNet.distance(a, b);
    }

    /** 1 - cosine similarity. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return 1 - dot / Math.sqrt(na * nb + 1e-24);
    }

    /** Crop pixel (pixel centres at integers) to image: crop -> template frame (scale) -> image (similarity). */
    static AffineTransform cropToImage(double[][] template, int tw, int th, int width, int height, float[] landmarks68) {
        AffineTransform t = FivePointCrop.cropToImage(template, FivePointCrop.fivePoints(landmarks68));
        double sx = tw / (double) width, sy = th / (double) height;
        // crop pixel u -> template (u + 0.5) * sx - 0.5
        t.concatenate(new AffineTransform(sx, 0, 0, sy, 0.5 * sx - 0.5, 0.5 * sy - 0.5));
        return t;
    }

    /**
     * Bilinear samples of the image at {@code cropToImage(u, v)}, black outside; where one crop pixel covers more
     * than ~1.5 image pixels, the mean of an s x s grid over its footprint (no aliasing). CHW, 0..255.
     */
    static float[] sample(BufferedImage image, AffineTransform cropToImage, int width, int height, boolean bgr) {
        int w = image.getWidth(), h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        double scale = Math.sqrt(Math.abs(cropToImage.getDeterminant()));
        int s = Math.max(1, (int) Math.round(scale));
        float[] out = new float[3 * width * height];
        double[] p = new double[2];
        int plane = width * height;
        for (int v = 0; v < height; v++) {
            for (int u = 0; u < width; u++) {
                double r = 0, g = 0, bl = 0;
                for (int j = 0; j < s; j++) {
                    for (int i = 0; i < s; i++) {
                        double[] q = {u + (i + 0.5) / s - 0.5, v + (j + 0.5) / s - 0.5};
                        cropToImage.transform(q, 0, p, 0, 1);
                        double[] c = bilinear(rgb, w, h, p[0], p[1]);
                        r += c[0];
                        g += c[1];
                        bl += c[2];
                    }
                }
                double k = 1.0 / (s * s);
                int at = v * width + u;
                out[(bgr ? 2 : 0) * plane + at] = (float) (r * k);
                out[plane + at] = (float) (g * k);
                out[(bgr ? 0 : 2) * plane + at] = (float) (bl * k);
            }
        }
        return out;
    }

    private static double[] bilinear(int[] rgb, int w, int h, double x, double y) {
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        double fx = x - x0, fy = y - y0;
        double[] c = new double[3];
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                int xx = x0 + dx, yy = y0 + dy;
                double wgt = (dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy);
                if (wgt == 0 || xx < 0 || yy < 0 || xx >= w || yy >= h) {
                    continue;
                }
                int px = rgb[yy * w + xx];
                c[0] += wgt * ((px >> 16) & 0xFF);
                c[1] += wgt * ((px >> 8) & 0xFF);
                c[2] += wgt * (px & 0xFF);
            }
        }
        return c;
    }
}
