package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.recognition.Recognizers;
import dev.dntme.gateway.cloak.nets.surrogates.FivePointCrop;
import static dev.dntme.gateway.cloak.BenchmarkStats.pct;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.CloakedImage;
import dev.dntme.gateway.cloak.PortraitRun;
import dev.dntme.gateway.cloak.Separation;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.attack.DecoyTerm;
import dev.dntme.gateway.cloak.attack.DetectorTerm;
import dev.dntme.gateway.cloak.attack.Ssim;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.FaceDetector;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LandmarkNet;
import dev.dntme.gateway.cloak.face.LocatedFace;
import dev.dntme.gateway.cloak.face.TinyFaceDetector;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import dev.dntme.gateway.cloak.nets.TfjsGraphRecognizer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Transfer of the cloak to recognisers other than the one it is optimised on: the real publish path
 * (ImageIO decode, {@link DjlCloakEngine#cloak} at MEDIUM, JPEG q90) over people/*, then every
 * recogniser judges the published bytes the way a scraper would: re-detect, re-align (each recogniser
 * with its own alignment), embed, compare with the person's OTHER clean photos.
 *
 * <p>Recognisers: dlib (face-api, threshold 0.6), FaceRes (dlib chip, its EER threshold on the clean
 * pairs), MobileFace (ArcFace crop, its EER threshold on the clean pairs). MobileFace is never part of
 * any cloak: it is the held-out model. Thresholds are recomputed here on the clean photos, not copied.
 *
 * <p>{@code mvn -q -B -o -Pbenchmark test -Dtest=TransferBenchmark [-Dbenchmark.faces=DIR]
 * [-Dbenchmark.ensemble=true] [-Dbenchmark.label=...]}; writes target/benchmark-transfer[-label].md.
 * Budget and transfer options: {@code -Dbenchmark.eps/steps/retrySteps/rounds/eotSamples/target},
 * {@code -Dbenchmark.momentum/tiSigma/cell/eotZoom/eotShift/eotBlur/ensembleModel/extraWeight/ensembleTarget}
 * (see {@link TransferBenchmarkSetup}); {@code -Dbenchmark.detectorWeight} turns the detector term on.
 *
 * <p>First stage (issue 7): on each published photo, is the face still detected (a detection at the default
 * threshold 0.5 overlapping the face's clean box by IoU >= 0.3) by the SSD (white-box for the detector term)
 * and by face-api's Tiny Face Detector (held out)? And a held-out end-to-end scraper: Tiny detector, 68
 * landmarks in its box, MobileFace on the ArcFace crop, best match over every detected face; an undetected
 * face is unmatched. Its gallery is the clean MobileFace embeddings above (SSD-located enrolment photos).
 */
@Tag("benchmark")
class TransferBenchmark {

    private static final String DLIB = "dlib", FACERES = "faceres", MOBILEFACE = "mobileface";

    @Test
    void publishedCloaksAgainstOtherRecognisers() throws Exception {
        Path people = Path.of(System.getProperty("benchmark.faces", "src/test/resources/faces/people"));
        String label = System.getProperty("benchmark.label", "");
        CloakProperties properties = TransferBenchmarkSetup.properties();
        double decoyWeight = Double.parseDouble(System.getProperty("benchmark.decoyWeight", "0"));
        float[][] decoys = decoyWeight > 0 ? decoyPool(properties) : null;
        DjlCloakEngine engine = decoyWeight > 0
                ? new DjlCloakEngine(properties, DjlCloakEngine.ModelLoader.DEFAULT, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                        a -> DecoyTerm.pull(a, decoys, decoyWeight))
                : new DjlCloakEngine(properties);
        try (NDManager manager = NDManager.newBaseManager();
                FaceRecognitionNet dlib = FaceRecognitionNet.load(manager, properties.modelLocation());
                TfjsGraphRecognizer faceres = TfjsGraphRecognizer.load(manager, Recognizers.builtIn().tfjsSpec(Recognizers.FACERES));
                TfjsGraphRecognizer mobileface = TfjsGraphRecognizer.load(manager, Recognizers.builtIn().tfjsSpec(Recognizers.MOBILEFACE));
                FaceLocator locator = new FaceLocator();
                TinyFaceDetector tiny = new TinyFaceDetector(manager);
                LandmarkNet landmarkNet = new LandmarkNet(manager)) {
            assertTrue(engine.awaitReady(300_000), "engine not ready");
            List<String> persons = new ArrayList<>();
            List<String> names = new ArrayList<>();
            Map<String, List<float[]>> clean = new LinkedHashMap<>();
            Map<String, List<float[]>> published = new LinkedHashMap<>();
            for (String r : List.of(DLIB, FACERES, MOBILEFACE)) {
                clean.put(r, new ArrayList<>());
                published.put(r, new ArrayList<>());
            }
            List<Double> faceSsim = new ArrayList<>();
            // first stage: per published photo
            int ssdClean = 0, ssdPublished = 0, tinyClean = 0, tinyPublished = 0;
            List<List<float[]>> tinyScraped = new ArrayList<>(); // MobileFace embeddings of every tiny detection
            StringBuilder detectionLines = new StringBuilder();
            List<Double> headSsim = new ArrayList<>();
            List<Double> ms = new ArrayList<>();
            StringBuilder failures = new StringBuilder();
            for (Map.Entry<String, List<Path>> person : TestPhotos.people(people).entrySet()) {
                for (Path photo : person.getValue()) {
                    Optional<PortraitRun> run = PortraitRun.of(engine, locator, photo);
                    if (run.isEmpty()) {
                        continue;
                    }
                    if (run.get().failedClosed()) {
                        failures.append("- ").append(photo.getFileName()).append(": failed closed: ")
                                .append(run.get().failure()).append('\n');
                        continue;
                    }
                    BufferedImage original = run.get().original();
                    LocatedFace face = run.get().face();
                    CloakedImage cloaked = run.get().cloaked();
                    ms.add(run.get().millis());
                    BufferedImage pub = run.get().published();
                    List<LocatedFace> found = run.get().publishedFaces();
                    LocatedFace again = found.isEmpty() ? null : Collections.min(found, (a, b) -> Double.compare(
                            centre(a, face), centre(b, face)));
                    persons.add(person.getKey());
                    names.add(photo.getFileName().toString());
                    describeAll(original, face, dlib, faceres, mobileface, clean);
                    if (again == null) {
                        published.values().forEach(l -> l.add(null)); // no face found: not linkable
                    } else {
                        describeAll(pub, again, dlib, faceres, mobileface, published);
                    }
                    faceSsim.add(Ssim.of(original, pub, face.box().getBounds()));

                    float ssdAfter = bestOverlapping(found.stream().map(f -> new FaceDetector.Detection(f.box(), f.score())).toList(),
                            face.box());
                    ssdClean++;
                    ssdPublished += ssdAfter > 0 ? 1 : 0;
                    List<FaceDetector.Detection> tinyBefore = tiny.detect(original);
                    FaceDetector.Detection tinyFace = tinyBefore.stream()
                            .max(java.util.Comparator.comparingDouble(d -> DetectorTerm.iou(d.box(), face.box()))).orElse(null);
                    boolean tinyFound = tinyFace != null && DetectorTerm.iou(tinyFace.box(), face.box()) >= DetectorTerm.DETECTED_IOU;
                    List<FaceDetector.Detection> tinyAfter = tiny.detect(pub);
                    float tinyAfterScore = tinyFound ? bestOverlapping(tinyAfter, tinyFace.box()) : 0;
                    tinyClean += tinyFound ? 1 : 0;
                    tinyPublished += tinyAfterScore > 0 ? 1 : 0;
                    List<float[]> scraped = new ArrayList<>();
                    List<java.awt.geom.Rectangle2D> tinyBoxes = new ArrayList<>();
                    tinyAfter.forEach(d -> tinyBoxes.add(d.box()));
                    for (float[] points : landmarkNet.landmarks(pub, tinyBoxes)) {
                        if (points != null) {
                            scraped.add(mobileface.describe(FaceAligner.extractChip(pub, FivePointCrop.arcFaceChipToImage(points)))[0]);
                        }
                    }
                    tinyScraped.add(scraped);
                    detectionLines.append(String.format(Locale.ROOT, "| %s | %.3f | %s | %s | %s | %d |%n", photo.getFileName(),
                            face.score(), ssdAfter > 0 ? String.format(Locale.ROOT, "%.3f", ssdAfter) : "**not detected**",
                            tinyFound ? String.format(Locale.ROOT, "%.3f", tinyFace.score()) : "not detected (clean)",
                            !tinyFound ? "-" : tinyAfterScore > 0 ? String.format(Locale.ROOT, "%.3f", tinyAfterScore) : "**not detected**",
                            tinyAfter.size()));
                    java.awt.Rectangle head = face.box().getBounds();
                    head.grow(head.width / 4, head.height / 4); // hair, ears: part of the cloak's region, not of the face box
                    headSsim.add(Ssim.of(original, pub, head));
                }
            }
            StringBuilder out = new StringBuilder("# Transfer benchmark " + label + "\n\n");
            out.append(String.format(Locale.ROOT, "Engine %s, MEDIUM %s, ensemble %s, decoys %s, %d photos, %d cores, load average at end %.2f%n%n",
                    engine.modelVersion(), properties.medium(), TransferBenchmarkSetup.describe(properties),
                    decoys == null ? "off" : decoys.length + " faces of groups/party-*, weight " + decoyWeight, ms.size(),
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            out.append("| recogniser | threshold (clean EER) | clean same / different ranges | same-person pairs unmatched (published x vs clean y) | min pair distance | published vs own original, min |\n|---|---|---|---|---|---|\n");
            StringBuilder pairLines = new StringBuilder();
            for (String r : clean.keySet()) {
                Separation sep = Separation.of(persons, clean.get(r));
                double threshold = DLIB.equals(r) ? 0.6 : sep.threshold();
                int pairs = 0, unmatched = 0;
                double minPair = Double.MAX_VALUE, minOwn = Double.MAX_VALUE;
                for (int x = 0; x < persons.size(); x++) {
                    float[] p = published.get(r).get(x);
                    if (p != null) {
                        minOwn = Math.min(minOwn, FaceRecognitionNet.distance(p, clean.get(r).get(x)));
                    }
                    for (int y = 0; y < persons.size(); y++) {
                        if (x == y || !persons.get(x).equals(persons.get(y))) {
                            continue;
                        }
                        pairs++;
                        double d = p == null ? Double.POSITIVE_INFINITY : FaceRecognitionNet.distance(p, clean.get(r).get(y));
                        minPair = Math.min(minPair, d);
                        if (d >= threshold) {
                            unmatched++;
                        }
                        pairLines.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %s |%n", r, names.get(x), names.get(y), d,
                                d >= threshold ? "no match" : "MATCH"));
                    }
                }
                out.append(String.format(Locale.ROOT, "| %s | %.3f (EER %.1f%%) | %.3f..%.3f / %.3f..%.3f | **%.1f%% (%d/%d)** | %.3f | %.3f |%n",
                        r, threshold, 100 * sep.eer(), sep.sameMin(), sep.sameMax(), sep.differentMin(), sep.differentMax(),
                        100.0 * unmatched / Math.max(1, pairs), unmatched, pairs, minPair, minOwn));
            }
            // held-out end-to-end scraper: Tiny detector -> landmarks -> MobileFace, vs the clean MobileFace gallery
            {
                Separation sep = Separation.of(persons, clean.get(MOBILEFACE));
                int pairs = 0, unmatched = 0;
                double minPair = Double.MAX_VALUE;
                for (int x = 0; x < persons.size(); x++) {
                    for (int y = 0; y < persons.size(); y++) {
                        if (x == y || !persons.get(x).equals(persons.get(y))) {
                            continue;
                        }
                        pairs++;
                        double d = Double.POSITIVE_INFINITY;
                        for (float[] p : tinyScraped.get(x)) {
                            d = Math.min(d, FaceRecognitionNet.distance(p, clean.get(MOBILEFACE).get(y)));
                        }
                        minPair = Math.min(minPair, d);
                        unmatched += d >= sep.threshold() ? 1 : 0;
                    }
                }
                out.append(String.format(Locale.ROOT, "| tiny detector -> landmarks -> mobileface (held-out scraper; undetected = unmatched) | %.3f (EER %.1f%%) | | **%.1f%% (%d/%d)** | %.3f | |%n",
                        sep.threshold(), 100 * sep.eer(), 100.0 * unmatched / Math.max(1, pairs), unmatched, pairs, minPair));
            }
            out.append(String.format(Locale.ROOT, "%n| face still detected on the published photo (score >= 0.5, IoU >= %.1f with the clean box) | photos |%n|---|---|%n",
                    DetectorTerm.DETECTED_IOU));
            out.append(String.format(Locale.ROOT, "| SSD MobileNet v1 (the service's detector; white-box for the detector term) | **%d / %d** (%.0f%%) |%n",
                    ssdPublished, ssdClean, 100.0 * ssdPublished / Math.max(1, ssdClean)));
            out.append(String.format(Locale.ROOT, "| Tiny Face Detector (held out), of the photos it finds clean | **%d / %d** (%.0f%%) |%n",
                    tinyPublished, tinyClean, 100.0 * tinyPublished / Math.max(1, tinyClean)));
            out.append(String.format(Locale.ROOT, "%n| face-region SSIM mean / min | %.4f / %.4f |%n|---|---|%n", mean(faceSsim), Collections.min(faceSsim)));
            out.append(String.format(Locale.ROOT, "| faces under SSIM 0.95 | %d of %d |%n", faceSsim.stream().filter(v -> v < 0.95).count(), faceSsim.size()));
            out.append(String.format(Locale.ROOT, "| SSIM of the box grown 50%% (head) mean / min | %.4f / %.4f |%n", mean(headSsim), Collections.min(headSsim)));
            out.append(String.format(Locale.ROOT, "| one-face cloak latency p50 / p95 (ms) | %.0f / %.0f |%n", pct(ms, 50), pct(ms, 95)));
            out.append(String.format(Locale.ROOT, "| photos that failed closed | %d |%n%n", failures.toString().lines().count()));
            out.append(failures);
            out.append("\n## Detection\n\n| photo | SSD clean | SSD published | tiny clean | tiny published | tiny detections on published |\n|---|---|---|---|---|---|\n")
                    .append(detectionLines);
            out.append("\n## Pairs\n\n| recogniser | published | clean | distance | verdict |\n|---|---|---|---|---|\n").append(pairLines);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/benchmark-transfer" + (label.isEmpty() ? "" : "-" + label) + ".md"), out);
            System.out.println(out);
        } finally {
            engine.destroy();
        }
    }

    /**
     * Fawkes-style decoys: dlib descriptors of the faces in groups/party-1..6 (face-api's demo photos, none of
     * them a person of people/*).
     */
    private static float[][] decoyPool(CloakProperties properties) throws java.io.IOException {
        List<float[]> pool = new ArrayList<>();
        Path groups = Path.of("src/test/resources/faces/groups");
        try (NDManager manager = NDManager.newBaseManager();
                FaceRecognitionNet dlib = FaceRecognitionNet.load(manager, properties.modelLocation());
                FaceLocator locator = new FaceLocator();
                java.util.stream.Stream<Path> files = Files.list(groups)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("party-")).sorted().toList()) {
                BufferedImage image = TestPhotos.read(p);
                for (LocatedFace face : locator.locate(image)) {
                    pool.add(dlib.describe(FaceAligner.extractChip(image, face.chipToImage()))[0]);
                }
            }
        }
        return pool.toArray(new float[0][]);
    }

    private static void describeAll(BufferedImage image, LocatedFace face, FaceRecognitionNet dlib, TfjsGraphRecognizer faceres,
            TfjsGraphRecognizer mobileface, Map<String, List<float[]>> into) {
        float[] chip = FaceAligner.extractChip(image, face.chipToImage());
        into.get(DLIB).add(dlib.describe(chip)[0]);
        into.get(FACERES).add(faceres.describe(chip)[0]);
        into.get(MOBILEFACE).add(mobileface.describe(FaceAligner.extractChip(image, FivePointCrop.arcFaceChipToImage(face.landmarks())))[0]);
    }

    /** Best score of a detection overlapping {@code box} by IoU >= DetectorTerm.DETECTED_IOU, 0 if none. */
    private static float bestOverlapping(List<FaceDetector.Detection> detections, java.awt.geom.Rectangle2D box) {
        float best = 0;
        for (FaceDetector.Detection d : detections) {
            if (DetectorTerm.iou(d.box(), box) >= DetectorTerm.DETECTED_IOU) {
                best = Math.max(best, d.score());
            }
        }
        return best;
    }

    private static double centre(LocatedFace a, LocatedFace b) {
        return Math.hypot(a.box().getCenterX() - b.box().getCenterX(), a.box().getCenterY() - b.box().getCenterY());
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

}
