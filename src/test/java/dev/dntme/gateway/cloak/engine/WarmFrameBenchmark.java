package dev.dntme.gateway.cloak.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.benchmark.protection.SystemPropertyBinding;
import dev.dntme.gateway.cloak.CloakSettings;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.face.FaceLocator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Where a warm frame's time goes: per later frame of a 12-frame pan over a portrait, its wall time, the PGD steps and
 * the publish checks it took and what each check measured, and the cost of the frame's own detection. Settings as
 * {@code -Dbenchmark.cloak.<key>=<value>}.
 *
 * <pre>mvn -B -o -Pbenchmark test -Dtest=WarmFrameBenchmark</pre>
 */
@Tag("benchmark")
class WarmFrameBenchmark {

    @Test
    void aWarmFramesStepsChecksAndDetection() throws InterruptedException {
        Map<String, String> settings = new HashMap<>(Map.of("intra-op-threads", "2"));
        SystemPropertyBinding.collect("benchmark.cloak", System.getProperties())
                .forEach((k, v) -> settings.put(k.substring("benchmark.cloak.".length()), v));
        AtomicInteger steps = new AtomicInteger();
        List<String> checks = new ArrayList<>();
        DjlCloakEngine engine = new DjlCloakEngine(CloakSettings.of(settings), DjlCloakEngine.ModelLoader.DEFAULT,
                new SimpleMeterRegistry(), b -> b.options(b.options().withHooks(steps::incrementAndGet,
                        (round, total, estimates, published) -> checks.add(String.format(Locale.ROOT,
                                "round %d: estimate %s, published %s", round, Arrays.toString(estimates),
                                Arrays.toString(published))))));
        try {
            assertThat(engine.awaitReady(120_000)).isTrue();
            List<BufferedImage> frames = FrameCloakTest.pan("people/obama/obama-1.jpg", 12, 0);
            steps.set(0);
            checks.clear();
            List<double[]> later = new ArrayList<>();
            engine.cloakFrames(FrameCloakTest.source(frames), CloakStrength.MEDIUM, TestPhotos::jpeg90, (i, f) -> { },
                    (i, faces, warm, took) -> {
                        System.out.printf(Locale.ROOT, "frame %d warm=%s %.0f ms, %d steps, %d checks: %s%n", i, warm,
                                took.toNanos() / 1e6, steps.get(), checks.size(), checks);
                        if (i > 0) {
                            later.add(new double[] {took.toNanos() / 1e6, steps.get(), checks.size()});
                        }
                        steps.set(0);
                        checks.clear();
                    });
            System.out.printf(Locale.ROOT, "later frames: mean %.0f ms, %.2f steps, %.2f checks (settings %s)%n",
                    later.stream().mapToDouble(r -> r[0]).average().orElse(0),
                    later.stream().mapToDouble(r -> r[1]).average().orElse(0),
                    later.stream().mapToDouble(r -> r[2]).average().orElse(0), settings);
            try (FaceLocator locator = new FaceLocator()) {
                locator.locate(frames.get(0));
                long start = System.nanoTime();
                frames.forEach(locator::locate);
                System.out.printf(Locale.ROOT, "a frame's own detection (SSD + landmarks): %.0f ms%n",
                        (System.nanoTime() - start) / 1e6 / frames.size());
            }
        } finally {
            engine.destroy();
        }
    }
}
