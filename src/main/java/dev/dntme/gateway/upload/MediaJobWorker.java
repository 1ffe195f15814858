package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.CloakUnavailableException;
import dev.dntme.gateway.consent.FlagSource;
import dev.dntme.gateway.consent.UserSettingChanged;
import dev.dntme.gateway.consent.UserSettings;
import dev.dntme.gateway.imaging.ImageDecoder;
import dev.dntme.gateway.storage.ObjectStore;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes animations and videos in the background, on every replica, from the catalog's PROCESSING rows (the
 * queue is the images table; see {@link MediaJobs}). Per job, with the invariants of stills:
 *
 * <ol>
 * <li>claim the row with a lease (a heartbeat renews it; a crashed replica's job is taken when it runs out);
 * <li>read the original and let the {@link MediaRenderer} make the public copy; after each frame the progress is
 *     saved, guarded by the lease, and a guard that fails (image erased, lease lost, replica stopping) cancels the
 *     render: nothing public was written yet;
 * <li>write the public object, then, in one transaction, mark the row PUBLISHED (guarded) and tell every
 *     {@link JobEndListener}. A guard that fails means the image was erased meanwhile: the object is deleted again;
 * <li>a job that fails closed or finds the upload bad is rejected: failure recorded, public object and original
 *     deleted, row REJECTED with the listeners in one transaction; a retryable error (engine unavailable, storage or
 *     catalog down, a listener that throws) lets go of the job with a back-off, and after
 *     {@code dntme.media-jobs.max-attempts} it is rejected too.
 * </ol>
 *
 * Without a {@link MediaRenderer} bean the worker takes no job (and uploads refuse media: {@link UploadService}).
 */
@Component
class MediaJobWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MediaJobWorker.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final MediaJobs jobs;
    private final ImageCatalog catalog;
    private final ObjectStore store;
    private final ObjectProvider<MediaRenderer> renderers;
    private final ObjectProvider<JobEndListener> listeners;
    private final ImageViews views;
    private final TransactionTemplate transactions;
    private final MediaJobsProperties properties;
    private final MediaMetrics metrics;
    private final JsonMapper json;
    private final UserSettings userSettings;
    private final ApplicationEventPublisher events;
    private final String instance;
    private final AtomicLong claims = new AtomicLong();
    private final Semaphore slots;
    private final Semaphore stillSlots;
    private final ImageDecoder decoder;
    private final PublicCopyRenderer stills;

    private volatile boolean running;
    private ScheduledExecutorService scheduler;
    private ExecutorService workers;

    MediaJobWorker(MediaJobs jobs, ImageCatalog catalog, ObjectStore store, ObjectProvider<MediaRenderer> renderers,
            ObjectProvider<JobEndListener> listeners, ImageViews views, PlatformTransactionManager transactionManager,
            MediaJobsProperties properties, MediaMetrics metrics, JsonMapper json, UserSettings userSettings,
            ApplicationEventPublisher events, ImageDecoder decoder, PublicCopyRenderer stills) {
        this.decoder = decoder;
        this.stills = stills;
        this.jobs = jobs;
        this.catalog = catalog;
        this.store = store;
        this.renderers = renderers;
        this.listeners = listeners;
        this.views = views;
        this.transactions = new TransactionTemplate(transactionManager);
        this.properties = properties;
        this.metrics = metrics;
        this.json = json;
        this.userSettings = userSettings;
        this.events = events;
        byte[] random = new byte[6];
        new java.security.SecureRandom().nextBytes(random);
        // Names this worker in lease_owner (and the logs): random, so two replicas or two restarts never share one.
        this.instance = "media-" + HexFormat.of().formatHex(random);
        this.slots = new Semaphore(properties.concurrency());
        this.stillSlots = new Semaphore(properties.stillConcurrency());
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        int n = INSTANCES.incrementAndGet();
        scheduler = Executors.newScheduledThreadPool(2, threads("media-jobs-" + n + "-poll"));
        workers = Executors.newFixedThreadPool(properties.concurrency() + properties.stillConcurrency(),
                threads("media-jobs-" + n + "-work"));
        running = true;
        long every = properties.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops taking jobs; jobs in flight are cancelled at their next frame and let go at once (not counted as an
     * attempt), so another replica takes them without waiting for the lease. A render that does not reach its next
     * frame in time keeps its row leased until the lease runs out, as after a crash.
     */
    @Override
    public void stop() {
        ExecutorService working;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            scheduler.shutdownNow();
            working = workers;
            working.shutdown();
        }
        try {
            long wait = Math.min(properties.lease().toMillis(), Duration.ofSeconds(10).toMillis());
            if (!working.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
                log.warn("media jobs still rendering at shutdown; their leases run out and another worker resumes them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Fills this replica's free slots with due jobs: stills and media each have their own. */
    void poll() {
        if (!running) {
            return;
        }
        fill(stillSlots, true);
        if (renderers.getIfAvailable() != null) {
            fill(slots, false);
        }
    }

    private void fill(Semaphore slots, boolean stillJobs) {
        try {
            while (running && slots.tryAcquire()) {
                var claimed = jobs.claim(instance + "-" + claims.incrementAndGet(), properties.lease(), stillJobs);
                if (claimed.isEmpty()) {
                    slots.release();
                    return;
                }
                try {
                    workers.execute(() -> {
                        try {
                            work(claimed.get());
                        } finally {
                            slots.release();
                        }
                    });
                } catch (RuntimeException rejected) { // stopping: the lease runs out, another worker takes it
                    slots.release();
                    return;
                }
            }
        } catch (RuntimeException e) {
            log.warn("media job poll failed, will retry: {}", e.getMessage());
        }
    }

    /** One attempt at one job; never throws. */
    void work(MediaJob job) {
        Attempt attempt = new Attempt(job);
        long beat = Math.max(1, properties.lease().toMillis() / 3);
        ScheduledFuture<?> heartbeat = null;
        try {
            if (!running) {
                throw new CancellationException("stopping");
            }
            heartbeat = scheduler.scheduleAtFixedRate(attempt::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
            if (job.rejecting()) {
                finishRejection(attempt);
            } else {
                render(attempt);
            }
        } catch (CancellationException cancelled) {
            cancelled(attempt);
        } catch (RuntimeException failure) {
            retry(attempt, failure);
        } finally {
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
        }
    }

    private void render(Attempt attempt) {
        ImageRecord image = attempt.job.image();
        MediaRenderer renderer = renderers.getIfAvailable();
        if (image.isMedia() && renderer == null) {
            throw new CancellationException("no media renderer on this replica");
        }
        RenderedMedia rendered;
        try {
            byte[] original = store.getOriginal(image.originalKey()).orElse(null);
            if (original == null) {
                reject(attempt, Problem.INTERNAL, "The original is missing; nothing was published");
                return;
            }
            rendered = image.isMedia() ? renderer.render(original, image.dntMe(), image.strength(), attempt)
                    : still(original, image);
        } catch (CloakFailedException failed) {
            log.warn("media job {} failed closed: {}", image.id(), failed.getMessage());
            reject(attempt, Problem.CLOAK_FAILED, Problem.CLOAK_FAILED.title());
            return;
        } catch (ApiException bad) {
            if (!bad.problem().status().is4xxClientError()) {
                throw bad;
            }
            reject(attempt, bad.problem(), bad.getMessage());
            return;
        }
        attempt.renew(null); // the lease is ours right before the public key is written
        attempt.publicWritten = true;
        store.putPublic(image.publicKey(), rendered.bytes(), rendered.mediaType());
        String receipt = rendered.receipt() == null ? null : json.writeValueAsString(rendered.receipt());
        String version = rendered.receipt() == null ? null : rendered.receipt().modelVersion();
        boolean published = Boolean.TRUE.equals(transactions.execute(tx -> {
            if (!jobs.markPublished(attempt.job, rendered.frames(), rendered.faces(), receipt, version,
                    rendered.mediaType())) {
                return false;
            }
            tellListeners(image.id());
            return true;
        }));
        if (!published) {
            lostBeforePublishing(attempt);
            return;
        }
        metrics.published(rendered.frames());
        catchUpWithSettingChange(image);
        log.info("media job {} published ({} frames, attempt {})", image.id(), rendered.frames(), attempt.job.attempts() + 1);
    }

    /** A still at a level too slow for the request: the same renderer as the request path, at the upload's level. */
    private RenderedMedia still(byte[] original, ImageRecord image) {
        PublicCopy copy = stills.render(decoder.decode(original), image.dntMe(), image.strength());
        return new RenderedMedia(copy.bytes(), copy.format().mediaType(), copy.format().extension(), 1, copy.faces(),
                copy.receipt());
    }

    /**
     * The flag was resolved at upload; if the user turned DNT-ME on while this clean copy was made, the re-publish job
     * that change started skipped this image (it was not published yet), so it is started again (as for stills).
     */
    private void catchUpWithSettingChange(ImageRecord image) {
        boolean decidedBySetting = image.flagSource() == FlagSource.USER_SETTING || image.flagSource() == FlagSource.DEFAULT;
        try {
            if (!image.dntMe() && decidedBySetting && userSettings.dntMe(image.userId())) {
                events.publishEvent(new UserSettingChanged(image.userId(), true));
            }
        } catch (RuntimeException e) {
            log.warn("media job {}: the user's setting could not be re-checked: {}", image.id(), e.getMessage());
        }
    }

    /**
     * Fail closed: the failure is written down first (a retry then finishes the rejection instead of guessing why the
     * original is gone), then the public object and the original go, then the row becomes the tombstone.
     */
    private void reject(Attempt attempt, Problem problem, String detail) {
        if (!jobs.recordFailure(attempt.job, problem.type().toString(), detail)) {
            throw new CancellationException("the job is no longer ours");
        }
        attempt.rejecting = true;
        finishRejection(attempt);
    }

    private void finishRejection(Attempt attempt) {
        attempt.rejecting = true;
        ImageRecord image = attempt.job.image();
        store.deletePublic(image.publicKey());
        store.deleteOriginal(image.originalKey());
        boolean rejected = Boolean.TRUE.equals(transactions.execute(tx -> {
            if (!jobs.markRejected(attempt.job)) {
                return false;
            }
            tellListeners(image.id());
            return true;
        }));
        if (!rejected) {
            throw new CancellationException("the job is no longer ours");
        }
        metrics.jobEnded(MediaMetrics.Outcome.REJECTED);
        log.info("media job {} rejected, nothing published", image.id());
    }

    private void tellListeners(String id) {
        ImageView view = views.view(catalog.find(id).orElseThrow());
        listeners.orderedStream().forEach(listener -> listener.jobEnded(view));
    }

    /**
     * The row was not ours to publish any more. If the image was erased or rejected, the object just written must go
     * (do not resurrect it); if another worker holds or published the job, the key is theirs and stays.
     */
    private void lostBeforePublishing(Attempt attempt) {
        ImageRecord image = attempt.job.image();
        ImageState now = catalog.find(image.id()).map(ImageRecord::state).orElse(null);
        if (now == null || now == ImageState.DELETING || now == ImageState.REJECTED) {
            store.deletePublic(image.publicKey());
        }
        metrics.jobEnded(MediaMetrics.Outcome.CANCELLED);
        log.info("media job {} not published: the image was erased or taken over meanwhile", image.id());
    }

    private void cancelled(Attempt attempt) {
        if (!running && !attempt.lost) {
            try {
                jobs.retryLater(attempt.job, Instant.now(), false); // stopping: let another replica take it now
            } catch (RuntimeException e) {
                log.warn("media job {} stays leased until its lease runs out: {}", attempt.job.image().id(), e.getMessage());
            }
        }
        metrics.jobEnded(MediaMetrics.Outcome.CANCELLED);
        log.info("media job {} cancelled (erased, taken over or stopping)", attempt.job.image().id());
    }

    /**
     * A retryable failure: the public object (if this attempt wrote one) goes, the job is let go with a back-off, and
     * after the last attempt it is rejected.
     */
    private void retry(Attempt attempt, RuntimeException failure) {
        ImageRecord image = attempt.job.image();
        int attempts = attempt.job.attempts() + 1;
        log.warn("media job {} attempt {} failed: {}", image.id(), attempts, describe(failure));
        try {
            if (attempt.publicWritten) {
                store.deletePublic(image.publicKey());
            }
            if (attempts >= properties.maxAttempts() && !attempt.rejecting) {
                Problem problem = problemOf(failure);
                reject(attempt, problem, problem.title() + " (after " + attempts + " attempts)");
                return;
            }
        } catch (CancellationException lost) {
            cancelled(attempt);
            return;
        } catch (RuntimeException again) {
            log.warn("media job {} could not be cleaned up or rejected yet: {}", image.id(), describe(again));
        }
        try {
            jobs.retryLater(attempt.job, Instant.now().plus(properties.backoff(attempts)), true);
        } catch (RuntimeException e) {
            log.warn("media job {} stays leased until its lease runs out: {}", image.id(), describe(e));
        }
        metrics.jobEnded(MediaMetrics.Outcome.RETRIED);
    }

    private static Problem problemOf(RuntimeException failure) {
        if (failure instanceof CloakUnavailableException) {
            return Problem.CLOAK_UNAVAILABLE;
        }
        if (failure instanceof ApiException api) {
            return api.problem();
        }
        if (failure instanceof DataAccessException) {
            return Problem.STORAGE_UNAVAILABLE;
        }
        return Problem.INTERNAL;
    }

    private static String describe(RuntimeException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** One attempt's lease: the renderer's progress callback and the heartbeat both renew it, guarded. */
    private final class Attempt implements MediaRenderer.FrameProgress {
        final MediaJob job;
        volatile boolean lost;
        volatile boolean publicWritten;
        volatile boolean rejecting;
        private long lastWrite = System.nanoTime();

        Attempt(MediaJob job) {
            this.job = job;
            this.rejecting = job.rejecting();
        }

        @Override
        public void framesDone(int done, int total) {
            if (lost || !running) {
                throw new CancellationException("media job " + job.image().id() + " must stop");
            }
            long now = System.nanoTime();
            if (now - lastWrite >= properties.progressEvery().toNanos()) {
                lastWrite = now;
                renew(done);
            }
        }

        void renew(Integer framesDone) {
            if (!jobs.renew(job, properties.lease(), framesDone)) {
                lost = true;
                throw new CancellationException("media job " + job.image().id() + " is no longer ours");
            }
        }

        void heartbeat() {
            try {
                if (!lost && !jobs.renew(job, properties.lease(), null)) {
                    lost = true; // the next frame's progress call stops the render
                }
            } catch (RuntimeException e) {
                log.warn("media job {} heartbeat failed, will retry: {}", job.image().id(), e.getMessage());
            }
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
