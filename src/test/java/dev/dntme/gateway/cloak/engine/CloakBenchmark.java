package dev.dntme.gateway.cloak.engine;

import static dev.dntme.gateway.cloak.BenchmarkStats.pct;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.CloakedImage;
import dev.dntme.gateway.cloak.PortraitRun;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.attack.CloakOptimizer;
import dev.dntme.gateway.cloak.attack.Ssim;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LocatedFace;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real publish path (ImageIO decode, cloak at default strength, JPEG q90) over a labelled folder,
 * judged by an independent recogniser run: detection + alignment + dlib net on the published bytes.
 *
 * <p>{@code mvn -Pbenchmark test -Dtest=CloakBenchmark [-Dbenchmark.faces=DIR] [-Dbenchmark.groups=DIR]};
 * writes target/benchmark-cloak.md.
 */
@Tag("benchmark")
class CloakBenchmark {

    private static final double THRESHOLD = 0.6;

    @Test
    void publishedCloaksAreNotMatchedToThePersonsCleanPhotos() throws Exception {
        Path people = Path.of(System.getProperty("benchmark.faces", "src/test/resources/faces/people"));
        Path groups = Path.of(System.getProperty("benchmark.groups", "src/test/resources/faces/groups"));
        CloakProperties properties = TransferBenchmarkSetup.settings(mediumOverrides());
        // the engine's per-check trace (step estimate vs published distance) goes to the surefire output file:
        // what the early check's margin is calibrated from
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(DjlCloakEngine.class))
                .setLevel(ch.qos.logback.classic.Level.DEBUG);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DjlCloakEngine engine = new DjlCloakEngine(properties, meters);
        DistributionSummary stepsMeter = meters.summary("dntme.cloak.steps");
        DistributionSummary roundsMeter = meters.summary("dntme.cloak.rounds");
        // rounds -> steps -> latencies of the one-face photos that took them
        Map<Integer, Map<Integer, List<Double>>> byCost = new TreeMap<>();
        StringBuilder md = new StringBuilder();
        try (NDManager manager = NDManager.newBaseManager();
                FaceRecognitionNet net = FaceRecognitionNet.load(manager, properties.modelLocation());
                FaceLocator locator = new FaceLocator()) {
            assertTrue(engine.awaitReady(300_000), "engine not ready");
            Map<String, List<Path>> byPerson = TestPhotos.people(people);
            List<String> names = new ArrayList<>();
            List<String> persons = new ArrayList<>();
            List<float[]> clean = new ArrayList<>();
            List<float[]> published = new ArrayList<>();
            List<Double> ownDistance = new ArrayList<>();
            List<Double> faceSsim = new ArrayList<>();
            List<Double> jpegOnlyFaceSsim = new ArrayList<>();
            List<Double> wholeSsim = new ArrayList<>();
            List<Double> psnr = new ArrayList<>();
            List<Double> singleMs = new ArrayList<>();
            List<Double> singleCpuMs = new ArrayList<>();
            int failed = 0;
            StringBuilder photoLines = new StringBuilder();
            for (Map.Entry<String, List<Path>> person : byPerson.entrySet()) {
                for (Path photo : person.getValue()) {
                    double stepsBefore = stepsMeter.totalAmount();
                    double roundsBefore = roundsMeter.totalAmount();
                    long cpuBefore = cpuNanos();
                    Optional<PortraitRun> run = PortraitRun.of(engine, locator, photo);
                    // the whole process's CPU time: the engine's work on its worker thread plus the
                    // benchmark's own detection on the original and the published photo (two locate calls)
                    double cpuMs = (cpuNanos() - cpuBefore) / 1e6;
                    int steps = (int) Math.round(stepsMeter.totalAmount() - stepsBefore);
                    int rounds = (int) Math.round(roundsMeter.totalAmount() - roundsBefore);
                    if (run.isEmpty()) {
                        continue;
                    }
                    if (run.get().failedClosed()) {
                        failed++;
                        md.append("- ").append(photo).append(": CloakFailedException (nothing published): ")
                                .append(run.get().failure()).append('\n');
                        continue;
                    }
                    BufferedImage original = run.get().original();
                    LocatedFace face = run.get().face();
                    CloakedImage cloaked = run.get().cloaked();
                    singleMs.add(run.get().millis());
                    singleCpuMs.add(cpuMs);
                    byCost.computeIfAbsent(rounds, r -> new TreeMap<>()).computeIfAbsent(steps, k -> new ArrayList<>()).add(run.get().millis());
                    BufferedImage pub = run.get().published();
                    List<LocatedFace> found = run.get().publishedFaces();
                    names.add(photo.getFileName().toString());
                    persons.add(person.getKey());
                    float[] c = describe(net, original, face);
                    // the attacker re-detects on the published photo; if it finds no face the photo is protected
                    float[] p = found.isEmpty() ? null : describe(net, pub, nearest(found, face));
                    clean.add(c);
                    published.add(p);
                    ownDistance.add(p == null ? Double.NaN : FaceRecognitionNet.distance(c, p));
                    faceSsim.add(Ssim.of(original, pub, face.box().getBounds()));
                    jpegOnlyFaceSsim.add(Ssim.of(original, CloakOptimizer.decode(TestPhotos.jpeg90(original)), face.box().getBounds()));
                    wholeSsim.add(Ssim.of(original, pub));
                    psnr.add(Ssim.psnr(original, pub));
                    photoLines.append(String.format(Locale.ROOT, "| %s | %dx%d | %.0f | %d / %d | %.3f | %.4f | %.4f | %.2f |%n", photo.getFileName(),
                            original.getWidth(), original.getHeight(), singleMs.get(singleMs.size() - 1), rounds, steps,
                            ownDistance.get(ownDistance.size() - 1),
                            faceSsim.get(faceSsim.size() - 1), wholeSsim.get(wholeSsim.size() - 1), psnr.get(psnr.size() - 1)));
                }
            }
            int pairs = 0;
            int protectedPairs = 0;
            double minPair = Double.MAX_VALUE;
            StringBuilder pairLines = new StringBuilder();
            for (int x = 0; x < names.size(); x++) {
                for (int y = 0; y < names.size(); y++) {
                    if (x == y || !persons.get(x).equals(persons.get(y))) {
                        continue;
                    }
                    pairs++;
                    double d = published.get(x) == null ? Double.POSITIVE_INFINITY : FaceRecognitionNet.distance(published.get(x), clean.get(y));
                    minPair = Math.min(minPair, d);
                    if (d >= THRESHOLD) {
                        protectedPairs++;
                    }
                    pairLines.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %s |%n", names.get(x), names.get(y), d, d >= THRESHOLD ? "no match" : "MATCH"));
                }
            }

            // groups: every face of the photo, each against its own original
            List<Double> groupMs = new ArrayList<>();
            List<Double> groupPerFaceMs = new ArrayList<>();
            int groupFaces = 0;
            int groupProtected = 0;
            List<Double> groupFaceSsim = new ArrayList<>();
            StringBuilder groupLines = new StringBuilder();
            List<Path> groupPhotos = Files.isDirectory(groups) ? list(groups) : List.of();
            for (Path photo : groupPhotos) {
                BufferedImage original = TestPhotos.read(photo);
                List<LocatedFace> faces = locator.locate(original);
                long t0 = System.nanoTime();
                CloakedImage cloaked;
                try {
                    cloaked = engine.cloak(original, CloakStrength.MEDIUM, TestPhotos::jpeg90);
                } catch (CloakFailedException e) {
                    groupLines.append(String.format("| %s | %d | failed closed: %s | | |%n", photo.getFileName(), faces.size(), e.getMessage()));
                    failed++;
                    continue;
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                groupMs.add(ms);
                if (!faces.isEmpty()) {
                    groupPerFaceMs.add(ms / faces.size());
                }
                BufferedImage pub = CloakOptimizer.decode(cloaked.encoded());
                List<LocatedFace> found = locator.locate(pub);
                double minD = Double.MAX_VALUE;
                for (LocatedFace face : faces) {
                    groupFaces++;
                    LocatedFace match = found.isEmpty() ? null : nearest(found, face);
                    double d = match == null || !match.box().intersects(face.box()) ? Double.POSITIVE_INFINITY
                            : FaceRecognitionNet.distance(describe(net, original, face), describe(net, pub, match));
                    minD = Math.min(minD, d);
                    if (d >= THRESHOLD) {
                        groupProtected++;
                    }
                    groupFaceSsim.add(Ssim.of(original, pub, face.box().getBounds()));
                }
                groupLines.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.3f | %.4f |%n",
                        photo.getFileName(), faces.size(), ms, minD, Ssim.of(original, pub)));
            }

            StringBuilder out = new StringBuilder();
            out.append("# Cloak benchmark\n\n");
            out.append(String.format(Locale.ROOT, "Engine %s, strength MEDIUM (eps %.0f/255, %d+%dx%d steps, %d EOT samples, target %.2f, "
                    + "early check margin %.2f (negative: off), min steps %d, face SSIM target %.2f (0: off)), workers %d x %d intra-op thread(s), %d cores visible, load average at end %.2f. Photos: %s, %s. Encoder: ImageIO JPEG q0.90.%n%n",
                    engine.modelVersion(), properties.medium().epsilon(), properties.medium().steps(), properties.medium().rounds() - 1,
                    properties.medium().retrySteps(), properties.medium().eotSamples(), properties.medium().targetDistance(),
                    properties.medium().checkMargin(), properties.medium().minSteps(), properties.targetFaceSsim(), properties.workers(), properties.intraOpThreads(), Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), people, groups));
            out.append("| metric | value |\n|---|---|\n");
            out.append(String.format(Locale.ROOT, "| same-person pairs (published x vs clean y, x != y) | %d |%n", pairs));
            out.append(String.format(Locale.ROOT, "| protection rate (distance >= %.1f) | %.1f%% (%d/%d) |%n", THRESHOLD, 100.0 * protectedPairs / Math.max(1, pairs), protectedPairs, pairs));
            out.append(String.format(Locale.ROOT, "| min pair distance | %.3f |%n", minPair));
            out.append(String.format(Locale.ROOT, "| published vs own original, mean / min | %.3f / %.3f |%n", mean(ownDistance), min(ownDistance)));
            out.append(String.format(Locale.ROOT, "| face-region SSIM mean / min | %.4f / %.4f |%n", mean(faceSsim), min(faceSsim)));
            out.append(String.format(Locale.ROOT, "| face-region SSIM of JPEG q90 alone (no cloak), mean | %.4f |%n", mean(jpegOnlyFaceSsim)));
            out.append(String.format(Locale.ROOT, "| whole-image SSIM mean / min | %.4f / %.4f |%n", mean(wholeSsim), min(wholeSsim)));
            out.append(String.format(Locale.ROOT, "| PSNR mean / min (dB) | %.2f / %.2f |%n", mean(psnr), min(psnr)));
            out.append(String.format(Locale.ROOT, "| one-face photo cloak latency p50 / p95 (ms) | %.0f / %.0f |%n", pct(singleMs, 50), pct(singleMs, 95)));
            out.append(String.format(Locale.ROOT, "| one-face photo process CPU p50 / p95 (ms; cloak + the benchmark's 2 detections) | %.0f / %.0f |%n",
                    pct(singleCpuMs, 50), pct(singleCpuMs, 95)));
            out.append(String.format(Locale.ROOT, "| group photos: faces protected (vs own original) | %d/%d |%n", groupProtected, groupFaces));
            out.append(String.format(Locale.ROOT, "| group photos: face-region SSIM mean / min | %.4f / %.4f |%n", mean(groupFaceSsim), min(groupFaceSsim)));
            out.append(String.format(Locale.ROOT, "| multi-face photo latency p50 / p95 (ms) | %.0f / %.0f |%n", pct(groupMs, 50), pct(groupMs, 95)));
            out.append(String.format(Locale.ROOT, "| multi-face latency per face p50 / p95 (ms) | %.0f / %.0f |%n", pct(groupPerFaceMs, 50), pct(groupPerFaceMs, 95)));
            out.append(String.format(Locale.ROOT, "| photos that failed closed | %d |%n%n", failed));
            out.append(md);
            out.append(costTable(byCost, properties.medium().eotSamples()));
            out.append("\n## One-face photos\n\n| photo | size | cloak ms | rounds / steps | distance to own original | face SSIM | whole SSIM | PSNR |\n|---|---|---|---|---|---|---|---|\n").append(photoLines);
            out.append("\n## Pairs\n\n| published | clean | distance | verdict |\n|---|---|---|---|\n").append(pairLines);
            out.append("\n## Group photos\n\n| photo | faces | cloak ms | min distance to own original | whole SSIM |\n|---|---|---|---|---|\n").append(groupLines);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/benchmark-cloak.md"), out);
            System.out.println(out);
        } finally {
            engine.destroy();
        }
    }

    /**
     * MEDIUM's budget with {@code benchmark.steps}, {@code benchmark.retrySteps}, {@code benchmark.rounds},
     * {@code benchmark.eotSamples}, {@code benchmark.target}, {@code benchmark.checkMargin},
     * {@code benchmark.minSteps} overriding it where given (speed variants).
     */
    private static Map<String, String> mediumOverrides() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String[] k : new String[][] {{"steps", "steps"}, {"retrySteps", "retry-steps"}, {"rounds", "rounds"},
                {"eotSamples", "eot-samples"}, {"target", "target-distance"}, {"checkMargin", "check-margin"}, {"minSteps", "min-steps"}}) {
            String v = System.getProperty("benchmark." + k[0]);
            if (v != null) {
                m.put("medium." + k[1], v);
            }
        }
        String ssim = System.getProperty("benchmark.targetFaceSsim");
        if (ssim != null) {
            m.put("target-face-ssim", ssim);
        }
        return m;
    }

    /**
     * Where one-face photos' time goes: how many publish checks (rounds) and PGD steps each took. A step of a
     * one-face photo is one forward + backward pass of the dlib net at batch eotSamples; see PassCostBenchmark
     * for the milliseconds of a pass and of a check.
     */
    private static String costTable(Map<Integer, Map<Integer, List<Double>>> byCost, int eotSamples) {
        StringBuilder t = new StringBuilder("\n## Cost per one-face photo\n\n");
        t.append(String.format(Locale.ROOT, "A step = one forward + backward of the dlib net at batch %d (EOT samples); a round = one publish check.%n%n", eotSamples));
        t.append("| rounds (publish checks) | steps | photos | passes at batch 1 equivalent (steps x samples) | latency median (ms) |\n|---|---|---|---|---|\n");
        int photos = 0;
        double steps = 0;
        double rounds = 0;
        for (Map.Entry<Integer, Map<Integer, List<Double>>> r : byCost.entrySet()) {
            for (Map.Entry<Integer, List<Double>> s : r.getValue().entrySet()) {
                List<Double> ms = s.getValue();
                t.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %.0f |%n", r.getKey(), s.getKey(), ms.size(),
                        s.getKey() * eotSamples, pct(ms, 50)));
                photos += ms.size();
                steps += s.getKey() * ms.size();
                rounds += r.getKey() * ms.size();
            }
        }
        // a check (JPEG encode/decode, two describes, landmark re-fit) costs ~2-3 steps' wall time (PassCostBenchmark)
        t.append(String.format(Locale.ROOT, "%nMean per photo: %.2f rounds, %.2f steps (%.1f sample-passes); "
                        + "pass-equivalents (steps + 2.5 x checks) %.2f.%n",
                rounds / Math.max(1, photos), steps / Math.max(1, photos), steps * eotSamples / Math.max(1, photos),
                (steps + 2.5 * rounds) / Math.max(1, photos)));
        return t.toString();
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(TestPhotos::isImage).sorted().toList();
        }
    }

    private static LocatedFace nearest(List<LocatedFace> found, LocatedFace face) {
        return Collections.min(found, (a, b) -> Double.compare(centreDistance(a, face), centreDistance(b, face)));
    }

    private static double centreDistance(LocatedFace a, LocatedFace b) {
        return Math.hypot(a.box().getCenterX() - b.box().getCenterX(), a.box().getCenterY() - b.box().getCenterY());
    }

    private static float[] describe(FaceRecognitionNet net, BufferedImage image, LocatedFace face) {
        return net.describe(FaceAligner.extractChip(image, face.chipToImage()))[0];
    }

    private static double mean(List<Double> v) {
        return v.stream().filter(d -> !d.isNaN()).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double min(List<Double> v) {
        return v.stream().filter(d -> !d.isNaN()).mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

}
