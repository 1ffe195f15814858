package dev.dntme.gateway.protection;

import dev.dntme.gateway.cloak.CloakUnavailableException;
import dev.dntme.gateway.consent.FlagSource;
import dev.dntme.gateway.upload.PublishedImages;
import dev.dntme.gateway.upload.PublishedImages.Outcome;
import dev.dntme.gateway.upload.PublishedImages.StoredImage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Works through re-publish jobs one image at a time, oldest first, with a pause between images so that
 * uploads keep the cloak workers. Progress and the cursor are saved after every image, so a restart
 * resumes where it stopped. If the cloak engine is not ready, the job waits: nothing is skipped and no
 * image changes.
 */
@Component
class RepublishWorker implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RepublishWorker.class);

    private final RepublishJobs jobs;
    private final PublishedImages images;
    private final RepublishProperties properties;
    private final Counter republished;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean stopping;

    RepublishWorker(RepublishJobs jobs, PublishedImages images, RepublishProperties properties, MeterRegistry meters) {
        this.jobs = jobs;
        this.images = images;
        this.properties = properties;
        this.republished = Counter.builder("dntme.republish.done").description("Images re-published in the background")
                .register(meters);
        Gauge.builder("dntme.republish.pending", pending, AtomicInteger::get)
                .description("Images still to re-publish across running jobs").register(meters);
    }

    @Scheduled(fixedDelayString = "${dntme.republish.poll-every:2s}", initialDelayString = "${dntme.republish.poll-every:2s}")
    void poll() {
        try {
            pending.set(jobs.pendingImages());
            Optional<RepublishJob> claimed = jobs.claim(properties.lease());
            claimed.ifPresent(this::work);
        } catch (RuntimeException e) {
            log.warn("re-publish poll failed, will retry: {}", e.getMessage());
        }
    }

    /** Handles up to one batch of the job, then lets go of it so other jobs (and replicas) get a turn. */
    void work(RepublishJob job) {
        RepublishJob current = job;
        try {
            List<StoredImage> batch = next(current);
            if (batch.isEmpty()) {
                jobs.finish(current.id());
                log.info("re-publish job {} done", logName(current));
                return;
            }
            for (StoredImage image : batch) {
                if (stopping) {
                    return;
                }
                Outcome outcome = handle(current, image);
                jobs.advance(current.id(), image.createdAt(), image.id(), outcome == Outcome.WITHHELD, properties.lease());
                pending.updateAndGet(n -> Math.max(0, n - 1));
                if (outcome == Outcome.REPUBLISHED) {
                    republished.increment();
                }
                pause();
            }
        } catch (CloakUnavailableException notReady) {
            log.info("re-publish job {} waits for the cloak engine: {}", logName(current), notReady.getMessage());
        } finally {
            jobs.release(current.id());
        }
    }

    private List<StoredImage> next(RepublishJob job) {
        return switch (job.kind()) {
            case USER_SETTING -> images.userImagesAfter(job.userId(), job.cursorCreatedAt(), job.cursorId(),
                    properties.batch());
            case RECLOAK -> images.outdatedCloaksAfter(job.cursorCreatedAt(), job.cursorId(), properties.batch());
        };
    }

    /**
     * Turning DNT-ME on cloaks every clean copy; turning it off makes clean copies only of photos that
     * were flagged by the user's setting (a photo flagged by its upload request, header or own metadata
     * stays cloaked). A re-cloak renews every flagged copy of an older model version.
     */
    private Outcome handle(RepublishJob job, StoredImage image) {
        Runnable stillWorking = renewer(job);
        if (job.kind() == RepublishJob.Kind.RECLOAK) {
            return images.republish(image.id(), true, image.flagSource(), stillWorking);
        }
        boolean target = Boolean.TRUE.equals(job.targetDntMe());
        if (target && (!image.dntMe() || image.withheld())) {
            return images.republish(image.id(), true, image.dntMe() ? image.flagSource() : FlagSource.USER_SETTING,
                    stillWorking);
        }
        if (!target && image.dntMe() && image.flagSource() == FlagSource.USER_SETTING) {
            return images.republish(image.id(), false, FlagSource.USER_SETTING, stillWorking);
        }
        return Outcome.GONE; // already as it should be
    }

    /**
     * Renews the job's lease every third of it while one image is being made: a video can take longer than the lease,
     * and another replica must not take the job over (and make the same image twice) while this one still works.
     */
    private Runnable renewer(RepublishJob job) {
        long every = properties.lease().toNanos() / 3;
        long[] last = {System.nanoTime()};
        return () -> {
            long now = System.nanoTime();
            if (now - last[0] >= every) {
                last[0] = now;
                jobs.renew(job.id(), properties.lease());
            }
        };
    }

    /**
     * A user job's id contains the user id, which must never reach the logs: they are named by kind
     * and a short one-way digest instead, enough to follow one job through a log.
     */
    static String logName(RepublishJob job) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(job.id().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return job.kind().name().toLowerCase(java.util.Locale.ROOT) + "#"
                    + java.util.HexFormat.of().formatHex(digest, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void pause() {
        try {
            Thread.sleep(properties.pause().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    @Override
    public void destroy() {
        stopping = true;
    }
}
