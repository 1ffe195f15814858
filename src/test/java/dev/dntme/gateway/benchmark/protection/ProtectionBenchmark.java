package dev.dntme.gateway.benchmark.protection;

import dev.dntme.gateway.cloak.engine.DjlCloaker;
import dev.dntme.gateway.cloak.engine.ProtectionScrapers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Leave-one-out protection on a labelled set (issue 13, "Measure it"): one photo per person is published
 * through the service's real publish path, then independent scrapers (each its own detector front end,
 * alignment, network and equal-error threshold on the clean pairs) compare the published bytes with that
 * person's other, clean photos.
 *
 * <pre>
 * mvn -B -o -q -Pbenchmark test -Dtest=ProtectionBenchmark -Dbenchmark.faces=../shared/faces-lfw -Dbenchmark.people=20
 * </pre>
 * Options: {@code benchmark.faces} (a set folder with manifest.csv + pairs.csv, or a {@code <person>/*.jpg}
 * folder; default src/test/resources/faces/people; never copy the photos into the repository),
 * {@code benchmark.people} (fixed random subset of N people, 0 = all), {@code benchmark.seed} (subset and
 * bootstrap seed, 20240601), {@code benchmark.runs} (cloak + measure R times), {@code benchmark.draws}
 * (bootstrap draws, 2000), {@code benchmark.heldOut} (labels the held-out scraper), {@code benchmark.scrapers}
 * (comma list, default all), {@code benchmark.label} (report name), {@code benchmark.strength},
 * and any cloak setting as {@code -Dbenchmark.cloak.<setting>=v} / {@code -Ddntme.cloak.<setting>=v}.
 * Writes target/benchmark-protection[-label].md and .csv; clean embeddings are cached in
 * target/benchmark-protection-cache/.
 */
@Tag("benchmark")
class ProtectionBenchmark {

    @Test
    void publishedProbesAgainstIndependentScrapers() throws Exception {
        Path faces = Path.of(System.getProperty("benchmark.faces", "src/test/resources/faces/people"));
        long seed = Long.getLong("benchmark.seed", 20240601L);
        String label = System.getProperty("benchmark.label", "");
        ProtectionSet set = ProtectionSet.read(faces, Integer.getInteger("benchmark.people", 0), seed);
        Set<String> scrapers = new LinkedHashSet<>(Arrays.stream(System.getProperty("benchmark.scrapers", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList());
        Set<String> heldOutSet = names(System.getProperty("benchmark.heldOutSet", ""));
        String thresholdsOption = System.getProperty("benchmark.thresholds", "");
        Path cache = Path.of("target/benchmark-protection-cache");
        try (ProtectionScrapers models = new ProtectionScrapers(scrapers)) {
            Map<String, EqualErrorThreshold> fixed = Map.of();
            String fixedSource = "";
            if (!thresholdsOption.isEmpty()) {
                Path file = Path.of(thresholdsOption);
                if (!Files.isRegularFile(file)) {
                    writeFullSetThresholds(faces, models, cache, file);
                }
                fixed = ThresholdsFile.read(file);
                fixedSource = file + " (" + firstComment(file) + ")";
            }
            if (Boolean.getBoolean("benchmark.thresholdsOnly")) {
                return;
            }
            measure(set, models, seed, label, heldOutSet, fixed, fixedSource, cache);
        }
    }

    private static void measure(ProtectionSet set, ProtectionScrapers models, long seed, String label, Set<String> heldOutSet,
            Map<String, EqualErrorThreshold> fixed, String fixedSource, Path cache) throws Exception {
        try (DjlCloaker cloaker = DjlCloaker.fromSystemProperties()) {
            ProtectionMeasurement m = new ProtectionMeasurement(set, models.models(), cloaker, new ProtectionMeasurement.Options(
                    Integer.getInteger("benchmark.runs", 1), Integer.getInteger("benchmark.draws", 2000), seed,
                    System.getProperty("benchmark.heldOut", ""), cloaker.inLoss(), cache).withFixed(heldOutSet, fixed, fixedSource))
                    .measure();
            String name = "target/benchmark-protection" + (label.isEmpty() ? "" : "-" + label);
            String md = m.markdown("Protection benchmark" + (label.isEmpty() ? "" : " " + label), commandLine());
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of(name + ".md"), md);
            Files.writeString(Path.of(name + ".csv"), m.csv(label));
            Files.writeString(Path.of(name + "-summary.csv"), ProtectionSummary.csv(List.of(m.summary(label.isEmpty() ? "default" : label))));
            java.awt.image.BufferedImage sideBySide = m.sideBySide();
            if (sideBySide != null) { // faces of LFW people: written under target/ only, never committed
                javax.imageio.ImageIO.write(sideBySide, "png", Path.of(name + "-side-by-side.png").toFile());
            }
            System.out.println(md);
        }
    }

    /**
     * Each scraper's equal-error threshold on ALL clean labelled pairs of the full set (every person, pairs.csv as
     * it is), written to {@code file} once; later runs read it instead of recomputing a threshold per subset.
     */
    static void writeFullSetThresholds(Path faces, ProtectionScrapers models, Path cache, Path file) {
        ProtectionSet full = ProtectionSet.read(faces, 0, 0);
        long t0 = System.nanoTime();
        ProtectionMeasurement m = new ProtectionMeasurement(full, models.models(), bytes -> {
            throw new IllegalStateException("no publishing when fixing thresholds");
        }, new ProtectionMeasurement.Options(1, 2000, 0, "", Set.of(), cache)).cleanThresholds();
        long same = full.thresholdPairs().stream().filter(ProtectionSet.Pair::same).count();
        ThresholdsFile.write(file, m.thresholds(), m.thresholdPairsSkipped(), List.of(
                String.format(Locale.ROOT, "fixed thresholds: equal-error point of each scraper on all clean pairs of %s (%s): %d photos, %d people, "
                        + "%d same / %d different pairs", faces, full.thresholdPairSource(), full.allPhotos().size(), full.people().size(), same,
                        full.thresholdPairs().size() - same),
                "computed " + LocalDate.now() + String.format(Locale.ROOT, " in %.0f s", (System.nanoTime() - t0) / 1e9) + " by: "
                        + commandLine(),
                "a pair matches when distance < threshold; numbers only, no images"));
        System.out.println("wrote " + file);
    }

    private static String firstComment(Path file) throws java.io.IOException {
        return Files.readAllLines(file).stream().filter(l -> l.startsWith("# computed")).map(l -> l.substring(2)).findFirst().orElse("");
    }

    static Set<String> names(String csv) {
        return new LinkedHashSet<>(Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }

    /** The command that reproduces this run: the benchmark's and the cloak's own -D options. */
    static String commandLine() {
        Map<String, String> given = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("benchmark.") || k.startsWith("dntme."))
                .forEach(k -> given.put(k, System.getProperty(k)));
        return "mvn -B -o -q -Pbenchmark test -Dtest=ProtectionBenchmark" + given.entrySet().stream()
                .map(e -> " -D" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining());
    }
}
