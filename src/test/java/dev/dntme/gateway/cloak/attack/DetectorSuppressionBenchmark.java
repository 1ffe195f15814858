package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.face.FaceDetector;
import dev.dntme.gateway.cloak.face.TinyFaceDetector;
import dev.dntme.gateway.cloak.nets.NnOps;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Upper bound of the detector term alone (issue 7): no recogniser term, no publish checks, a full-resolution
 * perturbation (one value per pixel) on the face box widened by a fifth, {@code -Dbenchmark.steps} signed
 * steps (40) under the L-infinity cap {@code -Dbenchmark.eps} (6), then 8 bits, JPEG q90, decode, and both
 * detectors at their default threshold. Answers "can this budget hide a face from the SSD at all, and does
 * that carry over to the held-out Tiny detector?", not what the engine does.
 *
 * <p>{@code mvn -q -B -o -Pbenchmark test -Dtest=DetectorSuppressionBenchmark [-Dbenchmark.faces=DIR]
 * [-Dbenchmark.perPerson=1] [-Dbenchmark.allAnchors=true] [-Dbenchmark.trace=true] [-Dbenchmark.margin=LOGIT]
 * [-Dbenchmark.label=X]}; writes target/benchmark-detector-suppressionX.md.
 */
@Tag("benchmark")
class DetectorSuppressionBenchmark {

    @Test
    void detectorTermAloneAgainstBothDetectors() throws Exception {
        Path people = Path.of(System.getProperty("benchmark.faces", "src/test/resources/faces/people"));
        int perPerson = Integer.getInteger("benchmark.perPerson", 1);
        int steps = Integer.getInteger("benchmark.steps", 40);
        float eps = Float.parseFloat(System.getProperty("benchmark.eps", "6"));
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "# Detector term alone: margin " + System.getProperty("benchmark.margin", "" + DetectorTerm.MARGIN) + ", %d signed steps, eps %.1f, full-resolution perturbation of the face box + 20%%, JPEG q90%n%n"
                        + "| photo | SSD clean | SSD on the 8-bit image before JPEG | SSD published | tiny clean | tiny published | face SSIM |%n|---|---|---|---|---|---|---|%n", steps, eps));
        int ssdKept = 0, tinyKept = 0, tinyClean = 0, n = 0;
        try (NDManager manager = NDManager.newBaseManager(); FaceDetector ssd = new FaceDetector(manager);
                TinyFaceDetector tiny = new TinyFaceDetector(manager)) {
            DetectorTerm term = new DetectorTerm(ssd, Float.parseFloat(System.getProperty("benchmark.margin", "" + DetectorTerm.MARGIN)));
            for (Map.Entry<String, List<Path>> person : TestPhotos.people(people).entrySet()) {
                for (Path photo : person.getValue().subList(0, Math.min(perPerson, person.getValue().size()))) {
                    BufferedImage image = TestPhotos.read(photo);
                    List<FaceDetector.Detection> clean = ssd.detect(image);
                    if (clean.isEmpty()) {
                        continue;
                    }
                    Rectangle2D box = clean.get(0).box();
                    Rectangle region = new Rectangle((int) (box.getX() - 0.1 * box.getWidth()), (int) (box.getY() - 0.1 * box.getHeight()),
                            (int) (1.2 * box.getWidth()), (int) (1.2 * box.getHeight()))
                            .intersection(new Rectangle(0, 0, image.getWidth(), image.getHeight()));
                    BufferedImage rounded = attack(term, image, region, box, steps, eps, manager);
                    float ssdRounded = best(ssd.detect(rounded), box);
                    BufferedImage published = CloakOptimizer.decode(TestPhotos.jpeg90(rounded));
                    float ssdAfter = best(ssd.detect(published), box);
                    FaceDetector.Detection tinyFace = tiny.detect(image).stream()
                            .filter(d -> DetectorTerm.iou(d.box(), box) >= DetectorTerm.DETECTED_IOU).findFirst().orElse(null);
                    float tinyAfter = tinyFace == null ? 0 : best(tiny.detect(published), tinyFace.box());
                    n++;
                    ssdKept += ssdAfter > 0 ? 1 : 0;
                    tinyClean += tinyFace != null ? 1 : 0;
                    tinyKept += tinyAfter > 0 ? 1 : 0;
                    out.append(String.format(Locale.ROOT, "| %s | %.3f | %s | %s | %s | %s | %.4f |%n", photo.getFileName(), clean.get(0).score(),
                            ssdRounded > 0 ? String.format(Locale.ROOT, "%.3f", ssdRounded) : "**not detected**",
                            ssdAfter > 0 ? String.format(Locale.ROOT, "%.3f", ssdAfter) : "**not detected**",
                            tinyFace == null ? "not detected" : String.format(Locale.ROOT, "%.3f", tinyFace.score()),
                            tinyFace == null ? "-" : tinyAfter > 0 ? String.format(Locale.ROOT, "%.3f", tinyAfter) : "**not detected**",
                            Ssim.of(image, published, box.getBounds())));
                }
            }
        }
        out.append(String.format(Locale.ROOT, "%nStill detected: SSD (white-box) %d / %d; Tiny (held out) %d / %d; load average %.2f%n",
                ssdKept, n, tinyKept, tinyClean, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/benchmark-detector-suppression" + System.getProperty("benchmark.label", "") + ".md"), out);
        System.out.println(out);
    }

    private static BufferedImage attack(DetectorTerm term, BufferedImage image, Rectangle region, Rectangle2D box, int steps, float eps,
            NDManager manager) {
        // -Dbenchmark.allAnchors=true: every anchor of the photo, not only those centred on the face
        Rectangle2D anchorsOn = Boolean.getBoolean("benchmark.allAnchors") ? new Rectangle(0, 0, image.getWidth(), image.getHeight()) : box;
        DetectorTerm.Photo photo = term.prepare(image, List.of(region), List.of(anchorsOn));
        int h = region.height, w = region.width;
        int[] rgb = NnOps.rgbPixels(image, region.x, region.y, w, h);
        float[] base = new float[3 * w * h];
        for (int i = 0; i < w * h; i++) {
            for (int c = 0; c < 3; c++) {
                base[c * w * h + i] = (rgb[i] >> (16 - 8 * c)) & 0xFF;
            }
        }
        float[] delta = new float[base.length];
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < delta.length; i++) {
            delta[i] = (random.nextFloat() * 2 - 1) * eps;
        }
        boolean gradMode = JniUtils.isGradMode();
        try {
            JniUtils.setGradMode(true);
            for (int k = 0; k < steps; k++) {
                double alpha = eps * Math.max(0.08, 0.4 * (1 - (double) k / steps));
                try (NDManager m = manager.newSubManager()) {
                    NDArray d = m.create(delta, new Shape(3, h, w));
                    d.setRequiresGradient(true);
                    NDArray loss = term.loss(photo, new NDArray[] {d}, m);
                    if (Boolean.getBoolean("benchmark.trace")) {
                        System.out.printf("step %d loss %.3f%n", k, loss.getFloat());
                    }
                    if (loss.getFloat() <= 0) {
                        break;
                    }
                    JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(loss.getShape()), false, false);
                    float[] g = d.getGradient().toFloatArray();
                    for (int i = 0; i < delta.length; i++) {
                        float v = Float.isFinite(g[i]) ? delta[i] - (float) (alpha * Math.signum(g[i])) : delta[i];
                        v = Math.max(-eps, Math.min(eps, v));
                        delta[i] = Math.max(-base[i], Math.min(255 - base[i], v));
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.getGraphics().drawImage(image, 0, 0, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x, p = 0;
                for (int c = 0; c < 3; c++) {
                    p |= Math.max(0, Math.min(255, Math.round(base[c * w * h + i] + delta[c * w * h + i]))) << (16 - 8 * c);
                }
                out.setRGB(region.x + x, region.y + y, p);
            }
        }
        return out;
    }

    private static float best(List<FaceDetector.Detection> detections, Rectangle2D box) {
        float best = 0;
        for (FaceDetector.Detection d : detections) {
            if (DetectorTerm.iou(d.box(), box) >= DetectorTerm.DETECTED_IOU) {
                best = Math.max(best, d.score());
            }
        }
        return best;
    }
}
