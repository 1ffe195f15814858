package dev.dntme.gateway.upload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The media jobs' meters (docs/operations.md lists them with their Prometheus names). Every series is registered at
 * start-up, so dashboards and alerts see zeros rather than gaps. Tags are low cardinality by construction.
 *
 * <p>The queue gauges read the catalog (one small query over the PROCESSING rows), at most once per
 * {@link #QUEUE_CACHE} however often they are scraped, so that the queue of every replica is seen, not just this one's.
 */
@Component
public class MediaMetrics {

    private static final Logger log = LoggerFactory.getLogger(MediaMetrics.class);
    static final Duration QUEUE_CACHE = Duration.ofSeconds(5);

    /** How a job attempt ended. */
    enum Outcome { PUBLISHED, REJECTED, RETRIED, CANCELLED }

    private final MediaJobs jobs;
    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final DistributionSummary framesPerJob;
    private final Timer firstFrame;
    private final Timer laterFrame;
    private volatile MediaJobs.Queue queue = new MediaJobs.Queue(0, null);
    private volatile long queueReadAt = Long.MIN_VALUE;

    MediaMetrics(MeterRegistry registry, MediaJobs jobs) {
        this.jobs = jobs;
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, Counter.builder("dntme.media.jobs").description("Media job attempts by how they ended")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        framesPerJob = DistributionSummary.builder("dntme.media.frames.per.job")
                .description("Frames of each published animation or video").publishPercentileHistogram()
                .minimumExpectedValue(2.0).maximumExpectedValue(10_000.0).register(registry);
        firstFrame = frameTimer(registry, "first");
        laterFrame = frameTimer(registry, "later");
        Gauge.builder("dntme.media.jobs.queued", this, m -> m.queue().size())
                .description("Animations and videos waiting for or in their background job (all replicas)")
                .register(registry);
        Gauge.builder("dntme.media.jobs.oldest.age", this, MediaMetrics::oldestAgeSeconds).baseUnit("seconds")
                .description("Seconds since the oldest queued media job was uploaded; 0 when none").register(registry);
    }

    /**
     * One frame's cloak (detect, track, perturb, check): the first frame of a job costs what a still does, later ones
     * start from the carried perturbation, so they are timed apart.
     */
    public void frameCloaked(boolean first, Duration elapsed) {
        (first ? firstFrame : laterFrame).record(elapsed);
    }

    void jobEnded(Outcome outcome) {
        outcomes.get(outcome).increment();
    }

    void published(int frames) {
        jobEnded(Outcome.PUBLISHED);
        framesPerJob.record(frames);
    }

    private MediaJobs.Queue queue() {
        long now = System.nanoTime();
        if (queueReadAt == Long.MIN_VALUE || now - queueReadAt > QUEUE_CACHE.toNanos()) {
            queueReadAt = now;
            try {
                queue = jobs.queue();
            } catch (RuntimeException e) {
                log.warn("media job queue not readable, the gauges keep their last value: {}", e.getMessage());
            }
        }
        return queue;
    }

    private double oldestAgeSeconds() {
        Instant oldest = queue().oldest();
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, Instant.now()).toMillis() / 1000.0);
    }

    private static Timer frameTimer(MeterRegistry registry, String phase) {
        return Timer.builder("dntme.media.frame.duration").description("Cloak latency per frame of a flagged medium")
                .tag("phase", phase).publishPercentileHistogram().publishPercentiles(0.5, 0.95, 0.99)
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofSeconds(120))
                .register(registry);
    }
}
