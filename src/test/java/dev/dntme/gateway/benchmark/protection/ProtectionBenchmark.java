package dev.dntme.gateway.benchmark.protection;

import dev.dntme.gateway.cloak.engine.DjlCloaker;
import dev.dntme.gateway.cloak.engine.ProtectionScrapers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
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
        try (ProtectionScrapers models = new ProtectionScrapers(scrapers); DjlCloaker cloaker = DjlCloaker.fromSystemProperties()) {
            ProtectionMeasurement m = new ProtectionMeasurement(set, models.models(), cloaker, new ProtectionMeasurement.Options(
                    Integer.getInteger("benchmark.runs", 1), Integer.getInteger("benchmark.draws", 2000), seed,
                    System.getProperty("benchmark.heldOut", ""), cloaker.inLoss(), Path.of("target/benchmark-protection-cache")))
                    .measure();
            String name = "target/benchmark-protection" + (label.isEmpty() ? "" : "-" + label);
            String md = m.markdown("Protection benchmark" + (label.isEmpty() ? "" : " " + label), commandLine());
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of(name + ".md"), md);
            Files.writeString(Path.of(name + ".csv"), m.csv(label));
            System.out.println(md);
        }
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
