package dev.dntme.gateway.cloak.engine;

import static dev.dntme.gateway.cloak.BenchmarkStats.pct;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.TestPhotos;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput of the default engine with several photos in flight: {@code benchmark.clients} callers
 * (2) share the one-face portraits of people/* ({@code benchmark.passes} times over, 2) and each cloaks
 * one photo after another at MEDIUM with the JPEG q90 encoder. Reports photos per second and the
 * latency each caller saw; the engine's thread settings come from {@code benchmark.workers} and
 * {@code benchmark.intraOpThreads} as in {@link CloakBenchmark}, so workers x intra-op threads above the
 * cores shows what oversubscription costs.
 *
 * <p>{@code mvn -Pbenchmark test -Dtest=ThroughputBenchmark -Dbenchmark.intraOpThreads=2}; appends a row
 * to target/benchmark-throughput.md.
 */
@Tag("benchmark")
class ThroughputBenchmark {

    @Test
    void concurrentPortraitsAreCloakedAndTimed() throws Exception {
        int clients = Integer.getInteger("benchmark.clients", 2);
        int passes = Integer.getInteger("benchmark.passes", 2);
        CloakProperties properties = TransferBenchmarkSetup.settings(Map.of());
        List<BufferedImage> photos = new ArrayList<>();
        for (List<Path> files : TestPhotos.people(TestPhotos.FACES.resolve("people")).values()) {
            files.forEach(f -> photos.add(TestPhotos.read(f)));
        }
        ConcurrentLinkedQueue<BufferedImage> work = new ConcurrentLinkedQueue<>();
        for (int p = 0; p < passes; p++) {
            work.addAll(photos);
        }
        DjlCloakEngine engine = new DjlCloakEngine(properties);
        try {
            assertTrue(engine.awaitReady(300_000), "engine not ready");
            double loadBefore = load();
            List<Double> latencies = new CopyOnWriteArrayList<>();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            List<Thread> callers = new ArrayList<>();
            long cpu0 = cpuNanos();
            long t0 = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                Thread t = new Thread(() -> {
                    BufferedImage photo;
                    while ((photo = work.poll()) != null) {
                        long s = System.nanoTime();
                        try {
                            engine.cloak(photo, CloakStrength.MEDIUM, TestPhotos::jpeg90);
                            latencies.add((System.nanoTime() - s) / 1e6);
                        } catch (RuntimeException e) {
                            errors.add(e);
                        }
                    }
                }, "caller-" + c);
                callers.add(t);
                t.start();
            }
            for (Thread t : callers) {
                t.join();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            // CPU seconds per photo do not depend on how much of a loaded machine the run got: they show
            // whether more threads than cores waste work (spinning, cache thrash) or not
            double cpuPerPhoto = (cpuNanos() - cpu0) / 1e9 / Math.max(1, latencies.size());
            String row = String.format(Locale.ROOT, "| %s | %d | %d x %d | %d | %d | %.1f | %.3f | %.0f | %.0f | %.2f | %.2f / %.2f |%n",
                    Instant.now(), clients, properties.workers(), properties.intraOpThreads(), latencies.size(), errors.size(),
                    seconds, latencies.size() / seconds, pct(latencies, 50), pct(latencies, 95), cpuPerPhoto, loadBefore, load());
            Path file = Path.of("target/benchmark-throughput.md");
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.writeString(file, "| date | callers | workers x intra-op | photos | failed | wall s | photos / s | latency p50 ms | p95 ms | CPU s / photo | load before / after |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|\n");
            }
            Files.writeString(file, row, java.nio.file.StandardOpenOption.APPEND);
            System.out.print(row);
        } finally {
            engine.destroy();
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

}
