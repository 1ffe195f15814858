package dev.dntme.gateway.upload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The upload path's meters (docs/operations.md lists them with their Prometheus names). Tags are low
 * cardinality by construction: outcome, problem type and strength, never a user or image id.
 */
@Component
class UploadMetrics {

    private final MeterRegistry registry;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final DistributionSummary facesPerImage;

    UploadMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytesIn = Counter.builder("dntme.bytes.in")
                .description("Bytes of accepted uploads").register(registry);
        this.bytesOut = Counter.builder("dntme.bytes.out")
                .description("Bytes of published public copies").register(registry);
        this.facesPerImage = DistributionSummary.builder("dntme.faces.per.image")
                .description("Faces cloaked per flagged image").publishPercentileHistogram()
                .minimumExpectedValue(1.0).maximumExpectedValue(64.0).register(registry);
    }

    void outcome(String outcome, String reason) {
        registry.counter("dntme.uploads", "outcome", outcome, "reason", reason).increment();
    }

    void bytesIn(long bytes) {
        bytesIn.increment(bytes);
    }

    void bytesOut(long bytes) {
        bytesOut.increment(bytes);
    }

    /**
     * Cloak latency of one flagged image (detect, perturb, encode, verify), and each face's share of it,
     * so that multi-face photos are comparable with single-face ones.
     */
    void cloaked(String strength, Duration elapsed, int faces) {
        timer("dntme.cloak.image.duration", "Cloak latency per flagged image", strength).record(elapsed);
        facesPerImage.record(faces);
        if (faces > 0) {
            Timer perFace = timer("dntme.cloak.face.duration", "Cloak latency per face (image latency / faces)", strength);
            Duration share = elapsed.dividedBy(faces);
            for (int i = 0; i < faces; i++) {
                perFace.record(share);
            }
        }
    }

    private Timer timer(String name, String description, String strength) {
        return Timer.builder(name).description(description).tag("strength", strength)
                .publishPercentileHistogram().publishPercentiles(0.5, 0.95, 0.99)
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofSeconds(120))
                .register(registry);
    }
}
