package dev.dntme.gateway.upload;

import dev.dntme.gateway.benchmark.protection.SystemPropertyBinding;
import dev.dntme.gateway.cloak.BenchmarkStats;
import dev.dntme.gateway.cloak.CloakEngine;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.CloakedFrames;
import dev.dntme.gateway.cloak.CloakedImage;
import dev.dntme.gateway.cloak.FrameListener;
import dev.dntme.gateway.cloak.FrameSink;
import dev.dntme.gateway.cloak.FrameSource;
import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.cloak.Scraper;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.attack.Ssim;
import dev.dntme.gateway.cloak.engine.DjlCloakEngine;
import dev.dntme.gateway.imaging.ImagingProperties;
import dev.dntme.gateway.imaging.ServiceImaging;
import dev.dntme.gateway.imaging.animation.Animations;
import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.MediaCodec;
import dev.dntme.gateway.imaging.media.MediaCodecs;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import dev.dntme.gateway.support.TestVideos;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's figures, per medium made from the face photos: frames, faces per frame, seconds per frame (the first and
 * the later ones), total wall time, the share of published frames the dlib pipeline (re-detecting on each decoded
 * published frame) no longer links to the person's other clean photos, face SSIM per frame, output size vs input.
 *
 * <pre>
 * mvn -B -o -q -Pbenchmark test -Dtest=MediaBenchmark#measureEveryMedium [-Dbenchmark.media=gif-pan,mp4-720p]
 *     [-Dbenchmark.repeats=2] [-Dbenchmark.strength=HIGH] [-Dbenchmark.cloak.&lt;setting&gt;=...]
 * mvn -B -o -q -Pbenchmark test -Dtest=MediaBenchmark#stillsWhileAClipRuns [-Dbenchmark.stillStrength=HIGH]
 * </pre>
 * Writes target/benchmark-media.md. Nothing here gates the build.
 */
@Tag("benchmark")
class MediaBenchmark {

    /** The level every medium is cloaked at ({@code -Dbenchmark.strength}, MEDIUM). */
    static final CloakStrength LEVEL = CloakStrength.valueOf(System.getProperty("benchmark.strength", "MEDIUM"));

    /** A test medium: how to make it, and whose other clean photos a scraper would link it to. */
    record Medium(String name, Supplier<byte[]> make, List<String> references) {}

    static List<Medium> media() {
        List<String> obama = List.of("people/obama/obama-2.jpg", "people/obama/obama-3.jpg", "people/obama/obama-4.jpg");
        List<String> obamaAndBiden = new ArrayList<>(obama);
        obamaAndBiden.add("people/biden/biden-2.jpg");
        List<String> kitAndRose = List.of("people/kit_harington/kit_harington-1.jpg", "people/kit_harington/kit_harington-2.jpg",
                "people/kit_harington/kit_harington-3.jpg", "people/rose_leslie/rose_leslie-1.jpg",
                "people/rose_leslie/rose_leslie-2.jpg");
        return List.of(
                new Medium("gif-pan", () -> Animations.imageIoGif(MediaScenes.panAndZoom("edge/obama-1080p.jpg", 20, 480, 270, 1.6),
                        delays(20, 10), 0), obama),
                new Medium("gif-group", () -> Animations.imageIoGif(MediaScenes.panAndZoom("groups/kit_with_rose.jpg", 10, 640, 427,
                        1.15), delays(10, 20), 0), kitAndRose),
                new Medium("gif-group-2", () -> Animations.imageIoGif(MediaScenes.panAndZoom("groups/obama_and_biden.jpg", 10, 640,
                        427, 1.15), delays(10, 20), 0), obamaAndBiden),
                new Medium("apng-pan", () -> Animations.apng(MediaScenes.panAndZoom("edge/obama-1080p.jpg", 12, 480, 270, 1.4),
                        new int[] {100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100}, 0), obama),
                new Medium("webp-pan", () -> dev.dntme.gateway.imaging.animation.WebpAnimations.of(
                        MediaScenes.panAndZoom("edge/obama-1080p.jpg", 12, 480, 270, 1.4),
                        new int[] {100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100}, 0), obama),
                new Medium("mp4-cut", () -> video(TestVideos.Spec.mp4(640, 360, 30, 3), MediaScenes.cut(
                        MediaScenes.panAndZoom("edge/obama-1080p.jpg", 45, 640, 360, 1.3),
                        MediaScenes.panAndZoom("people/biden/biden-1.jpg", 45, 640, 360, 1.2))), obamaAndBiden),
                new Medium("webm-pan", () -> video(TestVideos.Spec.webm(640, 360, 30, 2),
                        MediaScenes.panAndZoom("edge/obama-1080p.jpg", 60, 640, 360, 1.3)), obama),
                new Medium("mp4-720p", () -> video(TestVideos.Spec.mp4(1280, 720, 30, 10).withAudio(),
                        MediaScenes.panAndZoom("edge/obama-1080p.jpg", 300, 1280, 720, 1.5)), obama),
                // the first 2 s of mp4-720p: for profiling
                new Medium("mp4-720p-2s", () -> video(TestVideos.Spec.mp4(1280, 720, 30, 2),
                        MediaScenes.panAndZoom("edge/obama-1080p.jpg", 300, 1280, 720, 1.5).subList(0, 60)), obama),
                // issue 20: a face enters at 1 s, the other leaves at 2 s
                new Medium("mp4-enter-leave", () -> video(TestVideos.Spec.mp4(640, 360, 30, 3),
                        MediaScenes.enterAndLeave("people/obama/obama-1.jpg", "people/biden/biden-1.jpg", 90, 640, 360, 30, 60)),
                        obamaAndBiden));
    }

    @Test
    void measureEveryMedium() throws Exception {
        String only = System.getProperty("benchmark.media",
                "gif-pan,gif-group,gif-group-2,apng-pan,webp-pan,mp4-cut,webm-pan,mp4-720p,mp4-enter-leave");
        int repeats = Integer.getInteger("benchmark.repeats", 1);
        java.util.Map<String, String> chosen = new java.util.LinkedHashMap<>();
        SystemPropertyBinding.collect("benchmark.cloak", System.getProperties())
                .forEach((k, v) -> chosen.put(k.substring("benchmark.cloak.".length()), v));
        CloakProperties settings = dev.dntme.gateway.cloak.CloakSettings.of(chosen);
        ImagingProperties imaging = new ImagingProperties(org.springframework.util.unit.DataSize.ofMegabytes(100), 50_000_000,
                20_000, 0.9f, ImagingProperties.Media.defaults());
        List<MediaCodec> all = new ArrayList<>(List.of(Animations.codec(), dev.dntme.gateway.imaging.animation.WebpAnimations.codec()));
        all.add(dev.dntme.gateway.imaging.video.TestVideoCodec.of(imaging));
        MediaCodecs codecs = new MediaCodecs(all, ServiceImaging.limits(imaging));
        DjlCloakEngine engine = new DjlCloakEngine(settings);
        StringBuilder report = new StringBuilder();
        report.append("| medium | run | frames | faces/frame | first frame s | later frames s p50 / p95 | carried / warm frames"
                + " | repaired frames / obscured faces | check s/frame | total s | unmatched frames | face SSIM min / mean"
                + " | out/in size | result |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        try (Scraper scraper = new Scraper()) {
            if (!engine.awaitReady(300_000)) {
                throw new IllegalStateException("engine not ready");
            }
            for (Medium m : media()) {
                if (!Arrays.asList(only.split(",")).contains(m.name())) {
                    continue;
                }
                byte[] input = m.make().get();
                for (int run = 1; run <= repeats; run++) {
                    String row = measure(m, run, input, codecs, engine, scraper);
                    System.out.println(row);
                    report.append(row).append('\n');
                    Files.writeString(Path.of("target/benchmark-media.md"), header(settings, engine) + report);
                }
            }
        } finally {
            engine.destroy();
        }
        System.out.println(report);
    }

    /**
     * Issue 20's "stills first": flagged stills cloaked one after another on an idle engine, then while the 720p clip's
     * cloak pass runs on the other worker (the service's defaults: 2 workers). Level of the stills:
     * {@code -Dbenchmark.stillStrength} (MEDIUM: a HIGH still takes 15-20 s, too few fit in a clip's run to give a p50).
     */
    @Test
    void stillsWhileAClipRuns() throws Exception {
        CloakStrength level = CloakStrength.valueOf(System.getProperty("benchmark.stillStrength", "MEDIUM"));
        String clip = System.getProperty("benchmark.clip", "mp4-720p");
        List<BufferedImage> stills = new ArrayList<>();
        for (String p : List.of("people/obama/obama-2.jpg", "people/biden/biden-2.jpg", "people/kit_harington/kit_harington-1.jpg",
                "people/rose_leslie/rose_leslie-1.jpg", "people/obama/obama-3.jpg", "people/kit_harington/kit_harington-2.jpg")) {
            stills.add(TestPhotos.read(p));
        }
        ImagingProperties imaging = new ImagingProperties(org.springframework.util.unit.DataSize.ofMegabytes(100), 50_000_000,
                20_000, 0.9f, ImagingProperties.Media.defaults());
        MediaCodecs codecs = new MediaCodecs(List.of(dev.dntme.gateway.imaging.video.TestVideoCodec.of(imaging)),
                ServiceImaging.limits(imaging));
        DjlCloakEngine engine = new DjlCloakEngine(CloakProperties.defaults());
        StringBuilder out = new StringBuilder("| stills at | alone p50 / p95 s (n) | during the clip p50 / p95 s (n) | ratio of p50s | clip s |\n"
                + "|---|---|---|---|---|\n");
        try {
            if (!engine.awaitReady(300_000)) {
                throw new IllegalStateException("engine not ready");
            }
            List<Double> alone = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (BufferedImage still : stills) {
                    alone.add(timeStill(engine, still, level));
                }
            }
            byte[] input = media().stream().filter(m -> m.name().equals(clip)).findFirst().orElseThrow().make().get();
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            long clipStart = System.nanoTime();
            java.util.concurrent.CompletableFuture<Double> clipRun = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    new FrameByFrameRenderer(codecs, engine, new MediaMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                            null)).render(input, true, CloakStrength.MEDIUM, (d, t) -> { });
                    return (System.nanoTime() - clipStart) / 1e9;
                } finally {
                    running.set(false);
                }
            });
            Thread.sleep(5_000); // the clip's pass under way
            List<Double> during = new ArrayList<>();
            for (int i = 0; running.get(); i++) {
                double took = timeStill(engine, stills.get(i % stills.size()), level);
                if (running.get()) {
                    during.add(took);
                }
            }
            double clipSeconds = clipRun.get();
            String row = String.format(Locale.ROOT, "| %s | %.2f / %.2f (%d) | %.2f / %.2f (%d) | %.2f | %.1f |", level,
                    BenchmarkStats.pct(alone, 50), BenchmarkStats.pct(alone, 95), alone.size(), BenchmarkStats.pct(during, 50),
                    BenchmarkStats.pct(during, 95), during.size(), BenchmarkStats.pct(during, 50) / BenchmarkStats.pct(alone, 50),
                    clipSeconds);
            out.append(row).append('\n');
            System.out.println(out);
            Files.writeString(Path.of("target/benchmark-stills-during-clip.md"), out.toString());
        } finally {
            engine.destroy();
        }
    }

    private static double timeStill(DjlCloakEngine engine, BufferedImage still, CloakStrength level) {
        long start = System.nanoTime();
        engine.cloak(still, level, TestPhotos::jpeg90);
        return (System.nanoTime() - start) / 1e9;
    }

    private static String measure(Medium m, int run, byte[] input, MediaCodecs codecs, DjlCloakEngine engine, Scraper scraper) {
        Timings timings = new Timings(engine);
        FrameByFrameRenderer renderer = new FrameByFrameRenderer(codecs, timings,
                new MediaMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), null));
        long start = System.nanoTime();
        RenderedMedia out;
        try {
            out = renderer.render(input, true, LEVEL, (d, t) -> { });
        } catch (CloakFailedException failed) {
            return String.format(Locale.ROOT, "| %s | %d | %d | | %s | | | | | %.1f | | | | failed closed: %s |", m.name(), run,
                    timings.cloak.size(), timings.firstSeconds(), (System.nanoTime() - start) / 1e9, failed.getMessage());
        }
        double total = (System.nanoTime() - start) / 1e9;
        ProtectionReceipt.Frames f = out.receipt().frames();
        int unmatched = 0;
        int withFaces = 0;
        List<float[]> clean = new ArrayList<>();
        for (String ref : m.references()) {
            clean.addAll(scraper.faces(TestPhotos.read(ref)));
        }
        List<Double> ssims = new ArrayList<>();
        MediaHeader published = codecs.probe(out.bytes()).orElseThrow();
        MediaHeader original = codecs.probe(input).orElseThrow();
        try (FrameReader shown = codecs.open(out.bytes(), published); FrameReader source = codecs.open(input, original)) {
            MediaFrame frame;
            while ((frame = shown.next()) != null) {
                BufferedImage pub = rgb(frame.pixels());
                BufferedImage orig = rgb(source.next().pixels());
                List<float[]> faces = scraper.faces(pub);
                if (faces.isEmpty()) {
                    continue;
                }
                withFaces++;
                boolean linked = false;
                for (float[] face : faces) {
                    for (float[] c : clean) {
                        linked |= Scraper.distance(face, c) < Scraper.MATCH;
                    }
                }
                unmatched += linked ? 0 : 1;
                ssims.add(Ssim.of(orig, pub));
            }
        }
        double facesPerFrame = timings.faces.stream().mapToInt(Integer::intValue).average().orElse(0);
        return String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %s | %.2f / %.2f | %d / %d of %d | %d / %d | %.2f | %.1f | %d/%d (%.1f%%) |"
                        + " %.3f / %.3f (face boxes) | %.2f | published (whole-frame SSIM min %.3f) |",
                m.name(), run, f.total(), facesPerFrame, timings.firstSeconds(), BenchmarkStats.pct(timings.later(), 50),
                BenchmarkStats.pct(timings.later(), 95), f.carried(),
                timings.warm.stream().filter(w -> w).count() - f.carried(), timings.later().size(), f.repaired(), f.obscured(),
                timings.check.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                total, unmatched, withFaces, withFaces == 0 ? 0 : 100.0 * unmatched / withFaces,
                f.minSsim() == null ? Double.NaN : f.minSsim(), f.meanSsim() == null ? Double.NaN : f.meanSsim(),
                (double) out.bytes().length / input.length, ssims.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN));
    }

    private static String header(CloakProperties settings, DjlCloakEngine engine) {
        return "# Media benchmark\n\nlevel " + LEVEL + ", model version `" + engine.modelVersion() + "`, workers " + settings.workers() + ", intra-op threads "
                + settings.intraOpThreads() + ", " + Runtime.getRuntime().availableProcessors() + " cores\n\n";
    }

    private static BufferedImage rgb(BufferedImage pixels) {
        if (pixels.getType() == BufferedImage.TYPE_INT_RGB) {
            return pixels;
        }
        BufferedImage out = new BufferedImage(pixels.getWidth(), pixels.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.getGraphics().drawImage(pixels, 0, 0, null);
        return out;
    }

    private static int[] delays(int frames, int centiseconds) {
        int[] d = new int[frames];
        Arrays.fill(d, centiseconds);
        return d;
    }

    private static byte[] video(TestVideos.Spec spec, List<BufferedImage> frames) {
        return TestVideos.make(spec, frames::get);
    }

    /** The engine as the renderer sees it, timing each frame of the cloak pass and of the check. */
    private static final class Timings implements CloakEngine {
        private final CloakEngine engine;
        final List<Double> cloak = new ArrayList<>();
        final List<Boolean> warm = new ArrayList<>();
        final List<Integer> faces = new ArrayList<>();
        final List<Double> check = new ArrayList<>();

        Timings(CloakEngine engine) {
            this.engine = engine;
        }

        String firstSeconds() {
            return cloak.isEmpty() ? "" : String.format(Locale.ROOT, "%.2f", cloak.get(0));
        }

        /** Frames after the first that had a face. */
        List<Double> later() {
            List<Double> out = new ArrayList<>();
            for (int i = 1; i < cloak.size(); i++) {
                if (faces.get(i) > 0) {
                    out.add(cloak.get(i));
                }
            }
            return out;
        }

        @Override
        public CloakedFrames cloakFrames(FrameSource frames, CloakStrength strength, ImageEncoder frameEncoder, FrameSink sink,
                FrameListener listener) {
            return engine.cloakFrames(frames, strength, frameEncoder, sink, (i, n, w, took) -> {
                cloak.add(took.toNanos() / 1e9);
                faces.add(n);
                warm.add(w);
                listener.frameDone(i, n, w, took);
            });
        }

        @Override
        public ProtectionReceipt verifyFrames(CloakedFrames cloaked, CloakStrength strength, FrameSource originals,
                FrameSource published, FrameListener listener) {
            return engine.verifyFrames(cloaked, strength, originals, published, (i, n, w, took) -> {
                check.add(took.toNanos() / 1e9);
                listener.frameDone(i, n, w, took);
            });
        }

        @Override
        public CloakedImage cloak(BufferedImage image, CloakStrength strength, ImageEncoder encoder) {
            return engine.cloak(image, strength, encoder);
        }

        @Override
        public boolean isReady() {
            return engine.isReady();
        }

        @Override
        public String modelVersion() {
            return engine.modelVersion();
        }
    }
}
