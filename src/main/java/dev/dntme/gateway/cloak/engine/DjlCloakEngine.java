package dev.dntme.gateway.cloak.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.dntme.gateway.cloak.CloakBudget;
import dev.dntme.gateway.cloak.CloakBusyException;
import dev.dntme.gateway.cloak.CloakEngine;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.CloakUnavailableException;
import dev.dntme.gateway.cloak.CloakedFrames;
import dev.dntme.gateway.cloak.CloakedImage;
import dev.dntme.gateway.cloak.FrameListener;
import dev.dntme.gateway.cloak.FrameSink;
import dev.dntme.gateway.cloak.FrameSource;
import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.cloak.attack.AttackBuilder;
import dev.dntme.gateway.cloak.attack.CloakOptimizer;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The cloak engine on DJL/PyTorch (CPU): face-api's detector, landmarks and dlib recognition net.
 *
 * <p>Models load and warm up on the worker threads at construction, off the request path;
 * {@link #isReady()} turns true when every worker is warm and stays false for good if any load
 * failed. Each worker thread owns its model set (no native state is shared between threads). A photo
 * processed alone gets up to {@code intraOpThreads} PyTorch intra-op threads; photos in flight together
 * split the cores, since more OpenMP threads than cores make latency erratic. Photos queue in a bounded queue; a full queue
 * or a photo that waits past the timeout is answered with {@link CloakUnavailableException}.
 */
@Component
public class DjlCloakEngine implements CloakEngine, DisposableBean {

    /** dlib alone (docs/cloak.md, Re-cloaking); see {@link ModelVersions}. */
    static final String MODEL_VERSION = ModelVersions.DLIB;
    static final String OWN_BOX_MODEL_VERSION = ModelVersions.DLIB_OWN_BOX;

    private static final Logger log = LoggerFactory.getLogger(DjlCloakEngine.class);
    private static final Duration LOAD_RETRY_FIRST = Duration.ofSeconds(10);
    private static final Duration LOAD_RETRY_MAX = Duration.ofMinutes(5);

    private final CloakProperties properties;
    private final BlockingQueue<Job> queue;
    private final List<Thread> workers = new ArrayList<>();
    /** Workers whose models are not loaded and warm yet; the engine is ready at 0. */
    private final java.util.concurrent.atomic.AtomicInteger unready;
    private final AtomicReference<Throwable> loadFailure = new AtomicReference<>();
    private final ModelLoader loader;
    private final Timer queueWait;
    /** Workers processing a photo now: they share the cores (see {@link #threadsPerPhoto}). */
    private final java.util.concurrent.atomic.AtomicInteger busyWorkers = new java.util.concurrent.atomic.AtomicInteger();
    private final DistributionSummary stepsPerPhoto;
    private final DistributionSummary roundsPerPhoto;
    private volatile boolean closed;
    private final java.util.function.Consumer<AttackBuilder> tuning;
    private final java.util.function.Supplier<Random> randoms;
    private final Map<CloakStrength, String> versions;
    private final StillsFirst stillsFirst;

    @Autowired
    public DjlCloakEngine(CloakProperties properties, MeterRegistry meters) {
        this(properties, ModelLoader.DEFAULT, meters);
    }

    public DjlCloakEngine(CloakProperties properties) {
        this(properties, ModelLoader.DEFAULT, new SimpleMeterRegistry());
    }

    DjlCloakEngine(CloakProperties properties, ModelLoader loader) {
        this(properties, loader, new SimpleMeterRegistry());
    }

    DjlCloakEngine(CloakProperties properties, ModelLoader loader, MeterRegistry meters) {
        this(properties, loader, meters, o -> { });
    }

    /**
     * @param tuning applied to each worker's optimiser after the properties' settings: a seam for benchmarks that
     *               measure optimiser options with no property of their own (e.g. decoy targets)
     */
    DjlCloakEngine(CloakProperties properties, ModelLoader loader, MeterRegistry meters,
            java.util.function.Consumer<AttackBuilder> tuning) {
        this(properties, loader, meters, tuning, () -> new Random(new SecureRandom().nextLong()));
    }

    /**
     * @param randoms each worker's source of randomness (start noise, EOT draws); production seeds it from
     *                SecureRandom so that a cloak cannot be predicted, tests fix it to compare published bytes
     */
    DjlCloakEngine(CloakProperties properties, ModelLoader loader, MeterRegistry meters,
            java.util.function.Consumer<AttackBuilder> tuning, java.util.function.Supplier<Random> randoms) {
        this.randoms = randoms;
        this.tuning = tuning;
        this.properties = properties;
        this.versions = ModelVersions.of(properties);
        this.stillsFirst = new StillsFirst(properties.frames().yieldToStills());
        this.loader = loader;
        this.queue = new ArrayBlockingQueue<>(Math.max(1, properties.queueCapacity()));
        this.queueWait = Timer.builder("dntme.cloak.queue.wait").description("Time a photo waits for a cloak worker")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(120)).register(meters);
        // a step costs one forward + backward of eotSamples chips per face still short of its target, a round
        // one publish check: together they say where a photo's time went (docs/benchmarks.md, Speed)
        this.stepsPerPhoto = DistributionSummary.builder("dntme.cloak.steps").description("PGD steps a cloaked photo took")
                .register(meters);
        this.roundsPerPhoto = DistributionSummary.builder("dntme.cloak.rounds")
                .description("Publish checks a cloaked photo took").register(meters);
        Gauge.builder("dntme.cloak.queue.size", queue, BlockingQueue::size)
                .description("Photos waiting for a cloak worker").register(meters);
        Gauge.builder("dntme.cloak.queue.capacity", queue, q -> q.size() + q.remainingCapacity())
                .description("Photos that may wait before new ones are refused").register(meters);
        Gauge.builder("dntme.cloak.ready", this, e -> e.isReady() ? 1 : 0)
                .description("1 once every cloak worker has loaded and warmed its models").register(meters);
        this.unready = new java.util.concurrent.atomic.AtomicInteger(properties.workers());
        for (int i = 0; i < properties.workers(); i++) {
            Thread t = new Thread(this::work, "cloak-worker-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /** Seam for the "models cannot load" path; production loads from the classpath. */
    @FunctionalInterface
    interface ModelLoader {
        ModelSet load(CloakProperties properties);

        ModelLoader DEFAULT = ModelSet::load;
    }

    /** A worker's own models, and per level the recognisers of its loss and its optimiser. */
    private record Worker(ModelSet models, Map<CloakStrength, Level> levels, Random random) {
        Level level(CloakStrength strength) {
            return levels.get(strength);
        }
    }

    /** One level on one worker: its recognisers (a view of the worker's models) and the optimiser over them. */
    private record Level(ModelSet models, CloakOptimizer optimizer) {}

    /** What a job does on the worker that takes it. */
    @FunctionalInterface
    private interface Task<T> {
        T run(Worker worker);
    }

    private record Job(Task<?> task, CompletableFuture<Object> result, long enqueuedNanos) {}

    @Override
    public boolean isReady() {
        return !closed && unready.get() == 0;
    }

    @Override
    public String modelVersion() {
        return ModelVersions.ofAll(versions);
    }

    @Override
    public String modelVersion(CloakStrength strength) {
        return versions.get(strength);
    }

    @Override
    public java.util.Set<String> modelVersions() {
        return java.util.Set.copyOf(versions.values());
    }

    @Override
    public double frameSeconds(CloakStrength strength) {
        return properties.level(strength).frameSeconds();
    }

    @Override
    public boolean inRequest(CloakStrength strength) {
        return properties.inRequest(strength);
    }

    private ProtectionReceipt receipt(CloakStrength strength, List<ProtectionReceipt.Face> faces,
            ProtectionReceipt.Frames frames) {
        return new ProtectionReceipt(versions.get(strength), strength.name(), properties.recognizers(strength), faces, frames);
    }

    /** Blocks until the engine is ready or a load has failed (it is retried), at most {@code timeoutMillis}; true when ready. */
    public boolean awaitReady(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!isReady() && loadFailure.get() == null) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return isReady();
    }

    @Override
    public CloakedImage cloak(BufferedImage image, CloakStrength strength, ImageEncoder encoder) {
        return cloak(image, strength, encoder, false);
    }

    @Override
    public CloakedImage cloak(BufferedImage image, CloakStrength strength, ImageEncoder encoder, boolean lastTry) {
        stillsFirst.stillStarted();
        try {
            return submit(w -> process(w, image, strength, encoder, lastTry), properties.timeout());
        } finally {
            stillsFirst.stillDone();
        }
    }

    @Override
    public CloakedFrames cloakFrames(FrameSource frames, CloakStrength strength, ImageEncoder frameEncoder, FrameSink sink,
            FrameListener listener) {
        return submit(w -> {
            Level level = w.level(strength);
            ModelSet models = level.models();
            FrameSequence.Plan plan = new FrameSequence.Plan(budget(models, properties.budget(strength)),
                    budget(models, properties.warmBudget(strength)), budget(models, properties.carryBudget(strength)),
                    properties.frames().detectEvery());
            FrameSource yielding = () -> {
                stillsFirst.beforeFrame();
                return frames.next();
            };
            return new FrameSequence(models, level.optimizer(), plan, hardFaces(w, strength, properties.frames().repair(),
                    properties.frames().obscureHardFaces()), w.random()).cloak(yielding, frameEncoder, sink, listener);
        },
                properties.frames().timeout());
    }

    /**
     * A level's handling of a face its budget cannot protect: the repair pass at the next level up, or down for a face
     * that failed on its SSIM (at either end: the level's own budget with twice the rounds and steps), then obscuring or
     * failing closed.
     */
    private HardFaces hardFaces(Worker w, CloakStrength strength, boolean repair, boolean obscure) {
        Level level = w.level(strength);
        HardFaces.Repair pass = null;
        if (repair) {
            CloakStrength[] all = CloakStrength.values();
            CloakStrength up = all[Math.min(all.length - 1, strength.ordinal() + 1)];
            CloakStrength down = all[Math.max(0, strength.ordinal() - 1)];
            pass = new HardFaces.Repair(w.level(up).optimizer(), repairBudget(w, strength, up), w.level(down).optimizer(),
                    repairBudget(w, strength, down));
        }
        return new HardFaces(level.models(), level.optimizer(), budget(level.models(), properties.budget(strength)), pass, obscure);
    }

    private CloakBudget repairBudget(Worker w, CloakStrength from, CloakStrength to) {
        CloakBudget budget = budget(w.level(to).models(), properties.budget(to));
        return to == from ? budget.longer(2) : budget;
    }

    @Override
    public ProtectionReceipt verifyFrames(CloakedFrames cloaked, CloakStrength strength, FrameSource originals,
            FrameSource published, FrameListener listener) {
        if (!(cloaked instanceof FrameSequence.Pass pass)) {
            throw new CloakFailedException("these frames were not cloaked by this engine");
        }
        return submit(w -> {
            List<ProtectionReceipt.Face> worst = new ArrayList<>();
            ModelSet models = w.level(strength).models();
            ProtectionReceipt.Frames measured = new FrameCheck(models, budget(models, properties.budget(strength)))
                    .check(pass, originals, published, listener, worst);
            return receipt(strength, List.copyOf(worst), measured);
        }, properties.frames().timeout());
    }

    /** The strengths' bars are dlib distances; a loss led by another recogniser (benchmarks only) gets them scaled. */
    private CloakBudget budget(ModelSet models, CloakBudget budget) {
        return budget.inUnitsOf(models.recognizers().get(0).threshold() / properties.matchThreshold());
    }

    /** Queues a task for the next free worker and waits for it; the engine's fail-closed exceptions pass through. */
    @SuppressWarnings("unchecked")
    private <T> T submit(Task<T> task, Duration timeout) {
        if (!isReady()) {
            Throwable failure = loadFailure.get();
            throw failure != null
                    ? new CloakUnavailableException("cloak models failed to load (retried in the background)", failure)
                    : new CloakUnavailableException("cloak models are still loading");
        }
        Job job = new Job(task, new CompletableFuture<>(), System.nanoTime());
        if (!queue.offer(job)) {
            throw new CloakBusyException("all cloak workers are busy and " + properties.queueCapacity() + " photos wait");
        }
        try {
            return (T) job.result().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            job.result().cancel(false); // a worker that has not started it skips it
            throw new CloakUnavailableException("cloaking took longer than " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloakUnavailableException("interrupted while cloaking", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CloakFailedException f) {
                throw f;
            }
            if (cause instanceof CloakUnavailableException u) {
                throw u;
            }
            if (cause instanceof CallerFailure caller) {
                throw caller.getCause();
            }
            throw new CloakFailedException("cloak engine error: " + cause, cause);
        }
    }

    /**
     * Loads this worker's models, retrying with a growing pause while the load fails (a self-check that missed under a
     * start-up storm, a file not there yet): a replica is never left unready for good by one bad start. Every try is
     * logged; the first with its stack.
     */
    private void work() {
        ModelSet models = null;
        Map<CloakStrength, Level> levels = new EnumMap<>(CloakStrength.class);
        for (int attempt = 1; !closed; attempt++) {
            try {
                models = loadWorker(levels);
                break;
            } catch (Throwable e) {
                loadFailure.set(e);
                Duration pause = LOAD_RETRY_FIRST.multipliedBy(1L << Math.min(5, attempt - 1));
                if (pause.compareTo(LOAD_RETRY_MAX) > 0) {
                    pause = LOAD_RETRY_MAX;
                }
                if (attempt == 1) {
                    log.error("cloak models failed to load; flagged uploads get 503 until a retry in {} succeeds", pause, e);
                } else {
                    log.warn("cloak models failed to load again (try {}), next try in {}: {}", attempt, pause, e.toString());
                }
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
        if (models == null) {
            return;
        }
        if (unready.decrementAndGet() == 0 && loadFailure.get() != null) {
            log.info("cloak models loaded after an earlier failure; the engine is ready");
        }
        Worker worker = new Worker(models, Map.copyOf(levels), randoms.get());
        try (ModelSet owned = models) {
            while (!closed) {
                Job job;
                try {
                    job = queue.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (job == null || job.result().isDone()) {
                    continue;
                }
                queueWait.record(Duration.ofNanos(System.nanoTime() - job.enqueuedNanos()));
                int busy = busyWorkers.incrementAndGet();
                try {
                    // OpenMP's thread count is per calling thread once set: this worker's ops use this many
                    JniUtils.setNumThreads(threadsPerPhoto(properties.intraOpThreads(), busy, CORES));
                    job.result().complete(job.task().run(worker));
                } catch (Throwable e) {
                    job.result().completeExceptionally(e);
                } finally {
                    busyWorkers.decrementAndGet();
                }
            }
        }
    }

    /** One try at this worker's models and, per level, its optimiser (warmed up); nothing is left open on failure. */
    private ModelSet loadWorker(Map<CloakStrength, Level> levels) {
        // one worker at a time: thread settings and first-touch initialisation in the native
        // library are not something to race on
        synchronized (DjlCloakEngine.class) {
            configureThreads(properties.intraOpThreads());
            ModelSet models = loader.load(properties);
            try {
                // levels with the same model set share one optimiser (the budget is per call)
                Map<List<String>, Level> bySet = new HashMap<>();
                levels.clear();
                for (CloakStrength strength : CloakStrength.values()) {
                    levels.put(strength, bySet.computeIfAbsent(Attacks.recognizerNames(properties, strength), names -> {
                        ModelSet view = models.forLevel(names);
                        AttackBuilder attack = Attacks.builder(properties, view, this::splitCores);
                        tuning.accept(attack);
                        CloakOptimizer optimizer = attack.build();
                        StillPass.warmUp(view, optimizer);
                        return new Level(view, optimizer);
                    }));
                }
                return models;
            } catch (RuntimeException | Error e) {
                models.close();
                throw e;
            }
        }
    }

    /**
     * Intra-op threads for a photo that starts while {@code busy} workers (itself included) are processing:
     * a lone photo may use up to {@code maxThreads} cores, photos in flight together split the cores, so
     * workers x threads never exceeds them at the start of a photo. More OpenMP threads than cores make every
     * parallel region wait for a descheduled thread (docs/benchmarks.md, Speed).
     */
    private void splitCores() {
        JniUtils.setNumThreads(threadsPerPhoto(properties.intraOpThreads(), busyWorkers.get(), CORES));
    }

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    static int threadsPerPhoto(int maxThreads, int busy, int cores) {
        return Math.max(1, Math.min(maxThreads, cores / Math.max(1, busy)));
    }

    /**
     * PyTorch's intra-op thread count is process-wide: the property covers an engine not started yet,
     * the JNI call one that is (the native library must be loaded before it can be called).
     */
    private static synchronized void configureThreads(int intraOp) {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOp));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(intraOp);
    }

    /**
     * @param lastTry the photo's last chance (its fallback level): a face that cannot be protected gets the repair pass
     *                and then {@code dntme.cloak.frames.hard-faces}, as in a frame; otherwise it fails the photo closed
     */
    private CloakedImage process(Worker w, BufferedImage image, CloakStrength strength, ImageEncoder encoder, boolean lastTry) {
        Level level = w.level(strength);
        StillPass pass = new StillPass(level.models(), level.optimizer(), budget(level.models(), properties.budget(strength)),
                lastTry ? hardFaces(w, strength, properties.frames().repair(), properties.frames().obscureHardFaces()) : null);
        HardFaces.Outcome outcome = pass.cloak(image, encoder, w.random());
        if (outcome == null) {
            return new CloakedImage(encoder.encode(image), receipt(strength, List.of(), null));
        }
        CloakOptimizer.Result result = outcome.result();
        stepsPerPhoto.record(result.steps());
        roundsPerPhoto.record(result.rounds());
        List<ProtectionReceipt.Face> receiptFaces = new ArrayList<>();
        for (int f = 0; f < outcome.faces().size(); f++) {
            CloakOptimizer.FaceResult r = outcome.faces().get(f);
            Rectangle b = r.box();
            receiptFaces.add(new ProtectionReceipt.Face(b.x, b.y, b.width, b.height, r.distance(), r.ssim(), outcome.obscured().get(f)));
        }
        return new CloakedImage(result.encoded(), receipt(strength, List.copyOf(receiptFaces), null));
    }

    @Override
    public void destroy() {
        closed = true;
        for (Thread t : workers) {
            t.interrupt();
        }
        Job pending;
        while ((pending = queue.poll()) != null) {
            pending.result().completeExceptionally(new CloakUnavailableException("cloak engine shut down"));
        }
    }
}
