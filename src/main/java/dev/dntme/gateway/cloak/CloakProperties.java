package dev.dntme.gateway.cloak;

import dev.dntme.gateway.cloak.recognition.Crop;
import dev.dntme.gateway.cloak.recognition.RecognizerDescriptor;
import dev.dntme.gateway.cloak.recognition.Recognizers;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code dntme.cloak.*}. Every setting has a default here, so the service runs with no configuration;
 * a setting out of range stops start-up. Budgets are explained in docs/cloak.md.
 *
 * @param modelLocation        classpath folder of the face-api weights
 * @param workers              cloak worker threads, each with its own model set
 * @param intraOpThreads       most PyTorch intra-op threads one photo may use (default: the cores); photos in
 *                             flight together split the cores between them (DjlCloakEngine.threadsPerPhoto)
 * @param queueCapacity        photos waiting for a worker before new ones are refused (503)
 * @param timeout              longest a caller waits for its photo, queueing included
 * @param minDetectionScore    face detector threshold
 * @param matchThreshold       distance under which the recogniser calls two faces the same person
 * @param failMargin           a published face must end at least this far beyond the threshold, or the photo fails
 * @param minFaceSsim          a published face region under this SSIM fails the photo (guards against a broken cloak)
 * @param targetFaceSsim       a face whose published region scores under this SSIM at a check gets its cap shrunk
 *                             and another round (soft: the last round publishes it if it clears the fail bar and
 *                             {@code minFaceSsim}); 0 = off. The adaptive budget uses its own {@code adaptiveMinSsim}
 * @param low                  budget for {@link CloakStrength#LOW}
 * @param medium               budget for {@link CloakStrength#MEDIUM} (the default strength)
 * @param high                 budget for {@link CloakStrength#HIGH}
 * @param ensemble             also optimise against FaceRes (models/human-models) besides the dlib net
 *                             (docs/cloak.md, Ensemble); off by default
 * @param ensembleTargetDistance with the ensemble, keep pushing a face until its FaceRes distance (unit
 *                             vectors; FaceRes' own threshold is 0.94) reaches this, within the rounds
 * @param ensembleFeatureWeight with the ensemble, weight of a mid-level feature term (relative L2 change of
 *                             FaceRes' {@code conv_pw_5} map); 0 = off
 * @param recognizers          the model set of every level that names none of its own ({@code dntme.cloak.<level>.
 *                             recognizers}); unset, each level has its own default (docs/cloak.md, Levels)
 * @param transfer             transfer-oriented optimiser options (momentum, gradient smoothing, grid cell,
 *                             EOT ranges, which model joins the ensemble); every one off / unchanged by default
 */
@Validated
@ConfigurationProperties(prefix = "dntme.cloak")
public record CloakProperties(
        @NotBlank String modelLocation,
        @NotNull @Min(1) @Max(64) Integer workers,
        @NotNull @Min(1) @Max(64) Integer intraOpThreads,
        @NotNull @Min(0) @Max(10_000) Integer queueCapacity,
        @NotNull Duration timeout,
        @NotNull @DecimalMin("0.05") @DecimalMax("0.99") Double minDetectionScore,
        @NotNull @DecimalMin("0.1") @DecimalMax("2.0") Double matchThreshold,
        @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double failMargin,
        @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double minFaceSsim,
        @DecimalMin("0.0") @DecimalMax("1.0") Double targetFaceSsim,
        @Valid Level low,
        @Valid Level medium,
        @Valid Level high,
        Boolean ensemble,
        @DecimalMin("0.1") @DecimalMax("2.0") Double ensembleTargetDistance,
        @DecimalMin("0.0") @DecimalMax("100.0") Double ensembleFeatureWeight,
        @Valid TransferSettings transfer,
        List<String> recognizers,
        Map<String, Double> recognizerWeights,
        @DecimalMin("1.0") @DecimalMax("2.0") Double memberTargetRatio,
        Boolean redetectOnPublish,
        @Min(0) @Max(16) Integer othersPerStep,
        Map<String, @Valid OnnxRecognizerSetting> onnxRecognizers,
        @Valid FrameSettings frames) {


    /**
     * A frame's budget when its cloak starts from the previous frame's: the strength's cap and bars, fewer steps, an
     * early check after the first step.
     */
    public CloakBudget warmBudget(CloakStrength strength) {
        CloakBudget b = budget(strength);
        double target = Math.max(b.failDistance(), b.targetDistance() - frames.warmTargetDrop());
        return new CloakBudget(b.epsilon(), frames.warmSteps(), frames.warmRetrySteps(), frames.warmRounds(), b.eotSamples(),
                target, b.failDistance(), b.minFaceSsim(), Math.max(0.0, b.checkMargin()), 1);
    }

    /** A followed frame's check of its carried cloaks, with no steps (see {@link FrameSettings}). */
    public CloakBudget carryBudget(CloakStrength strength) {
        CloakBudget b = budget(strength);
        return b.checkOnly(b.failDistance() + frames.carryMargin(), frames.carryMinSsim());
    }

    /**
     * A platform's own ONNX recogniser, by configuration: a network trained on an ArcFace-style five-point crop
     * (docs/cloak-onnx.md). Its name can then be used in {@code recognizers}.
     *
     * @param file          path of the .onnx file (on disk, or a classpath resource)
     * @param sha256        the file's SHA-256; any other bytes are refused at load
     * @param width         input width (height the same unless set)
     * @param height        input height
     * @param colourOrder   {@code RGB} or {@code BGR}
     * @param mean          per-channel value subtracted from 0..255 pixels, in the input's channel order
     * @param std           per-channel divisor after the mean
     * @param template      five points (eye centres, nose tip, mouth corners) in input pixels, x and y interleaved:
     *                      the ArcFace 112 template up to a per-axis scale and offset
     * @param embeddingSize output length
     * @param threshold     cosine distance under which two faces are the same person (measure it on your photos)
     */
    public record OnnxRecognizerSetting(@NotBlank String file, @NotBlank String sha256, @NotNull @Min(16) @Max(1024) Integer width,
            @Min(16) @Max(1024) Integer height, String colourOrder, List<Float> mean, List<Float> std,
            @NotNull List<Double> template, @NotNull @Min(2) @Max(8192) Integer embeddingSize,
            @NotNull @DecimalMin("0.01") @DecimalMax("2.0") Double threshold) {

        public OnnxRecognizerSetting {
            height = height != null ? height : width;
            colourOrder = colourOrder != null ? colourOrder : "RGB";
            mean = mean != null ? List.copyOf(mean) : List.of(0f, 0f, 0f);
            std = std != null ? List.copyOf(std) : List.of(1f, 1f, 1f);
            if (!colourOrder.equals("RGB") && !colourOrder.equals("BGR")) {
                throw new IllegalArgumentException("colour-order must be RGB or BGR: " + colourOrder);
            }
            if (mean.size() != 3 || std.size() != 3 || template == null || template.size() != 10) {
                throw new IllegalArgumentException("mean and std need 3 values, the template 10 (five x,y points)");
            }
        }

        /** The recogniser these settings describe, under {@code name}. */
        public RecognizerDescriptor descriptor(String name) {
            double[][] points = new double[5][];
            for (int i = 0; i < 5; i++) {
                points[i] = new double[] {template.get(2 * i), template.get(2 * i + 1)};
            }
            return new RecognizerDescriptor(name, RecognizerDescriptor.Format.ONNX, file,
                    Map.of(file.substring(file.lastIndexOf('/') + 1), sha256), Crop.ARCFACE_112,
                    new RecognizerDescriptor.Input(width, height, RecognizerDescriptor.ColourOrder.valueOf(colourOrder),
                            new float[] {mean.get(0), mean.get(1), mean.get(2)}, new float[] {std.get(0), std.get(1), std.get(2)},
                            points, null, embeddingSize),
                    threshold, null);
        }
    }

    /** LOW's and MEDIUM's model set: dlib alone, fast enough for the request. */
    public static final List<String> DEFAULT_RECOGNIZERS = List.of(Recognizers.DLIB);

    /** Every recogniser the project has (docs/cloak.md, Model sets, for licences and training-data terms). */
    public static final List<String> WIDE_SET = List.copyOf(Recognizers.builtIn().names());


    /**
     * One strength's budget; unset fields take that strength's default.
     *
     * @param epsilon        L-infinity cap, 8-bit levels
     * @param steps          PGD steps before the first publish check
     * @param retrySteps     PGD steps after each failed check
     * @param rounds         publish checks at most
     * @param eotSamples     random transformations per face per step
     * @param targetDistance stop once every published face is this far from its original
     * @param checkMargin    early publish check (docs/cloak.md): a round ends as soon as every face still being
     *                       pushed has a step estimate of at least targetDistance + this; steps and retrySteps
     *                       become the most a round may take. -1 = off: every round takes its full step count
     * @param minSteps       with the early check, the fewest first-round steps before it (at most steps)
     * @param recognizers    the level's model set, the leader first (unset: {@code dntme.cloak.recognizers} if that is
     *                       set, else the level's default: dlib for LOW and MEDIUM, {@link #STRONG_SET} for HIGH)
     * @param inRequest      whether a still at this level is cloaked within the upload request (201 with the copy) or
     *                       by a background job (202, then polling or the webhook), as animations and videos are
     * @param frameSeconds   what a frame of an animation or video costs at this level, in seconds on one worker (the
     *                       p50 of later frames, measured: docs/benchmarks.md, Issue 20): a medium without a level of its
     *                       own gets the strongest level whose frames fit {@code dntme.upload.media-time-target}
     */
    public record Level(
            @DecimalMin("0.5") @DecimalMax("32") Float epsilon,
            @Min(1) @Max(500) Integer steps,
            @Min(0) @Max(500) Integer retrySteps,
            @Min(1) @Max(20) Integer rounds,
            @Min(1) @Max(32) Integer eotSamples,
            @DecimalMin("0.1") @DecimalMax("3.0") Double targetDistance,
            @DecimalMin("-1.0") @DecimalMax("1.0") Double checkMargin,
            @Min(1) @Max(500) Integer minSteps,
            List<String> recognizers,
            Boolean inRequest,
            @DecimalMin("0.001") @DecimalMax("600") Double frameSeconds) {

        @org.springframework.boot.context.properties.bind.ConstructorBinding
        public Level {
            recognizers = recognizers == null || recognizers.isEmpty() ? null : List.copyOf(recognizers);
        }

        /** A budget only: the model set, where it runs and its frame cost follow the level's defaults. */
        public Level(Float epsilon, Integer steps, Integer retrySteps, Integer rounds, Integer eotSamples, Double targetDistance,
                Double checkMargin, Integer minSteps) {
            this(epsilon, steps, retrySteps, rounds, eotSamples, targetDistance, checkMargin, minSteps, null, null, null);
        }

        /** The early check off. */
        public Level(Float epsilon, Integer steps, Integer retrySteps, Integer rounds, Integer eotSamples, Double targetDistance) {
            this(epsilon, steps, retrySteps, rounds, eotSamples, targetDistance, null, null);
        }

        Level orDefaults(Level d, List<String> setForAll) {
            int s = steps != null ? steps : d.steps;
            Level l = new Level(
                    epsilon != null ? epsilon : d.epsilon,
                    s,
                    retrySteps != null ? retrySteps : d.retrySteps,
                    rounds != null ? rounds : d.rounds,
                    eotSamples != null ? eotSamples : d.eotSamples,
                    targetDistance != null ? targetDistance : d.targetDistance,
                    checkMargin != null ? checkMargin : d.checkMargin,
                    // fewer steps than the default minimum: the minimum follows, unless it was set too
                    minSteps != null ? minSteps : Math.min(d.minSteps, s),
                    recognizers != null ? recognizers : setForAll != null ? setForAll : d.recognizers,
                    inRequest != null ? inRequest : d.inRequest,
                    frameSeconds != null ? frameSeconds : d.frameSeconds);
            if (l.minSteps > l.steps) {
                throw new IllegalArgumentException("dntme.cloak.*.min-steps (" + l.minSteps + ") is more than steps (" + l.steps + ")");
            }
            return l;
        }
    }

    /**
     * HIGH's model set: dlib (the white-box scraper of face_recognition) and two cheap ArcFace-crop networks of other
     * architectures and training sets. Measured against recognisers not in the loss it comes within a few points of all
     * seven at about three quarters of their time (docs/benchmarks.md, Issue 19); the EdgeFace pair costs 2-6x the
     * others per pass.
     */
    public static final List<String> STRONG_SET = List.of(Recognizers.DLIB, "mobilefacenet-y1", "intel-reid-0095");

    // LOW: the smallest cap; 3 rounds and the early check (with 2 rounds and no early check it failed closed on 2 of 2
    // portraits tried: 0.625 and 0.632 against the 0.65 bar)
    // frame costs: later frames' p50 on the 2-core reference machine (docs/benchmarks.md, Issue 20)
    static final Level LOW_DEFAULT = new Level(4f, 8, 4, 3, 2, 0.75, 0.05, 3, DEFAULT_RECOGNIZERS, true, 0.4);
    // MEDIUM checks when the steps' free estimate clears 0.80 + 0.05 (at most 12 + 4 + 4 steps): ~20% fewer
    // pass-equivalents per one-face photo than a fixed 8 + 4 + 4 at the same protection (docs/benchmarks.md, Speed)
    static final Level MEDIUM_DEFAULT = new Level(6f, 12, 4, 3, 2, 0.8, 0.05, 3, DEFAULT_RECOGNIZERS, true, 0.4);
    // HIGH is the strong level: three recognisers, a larger budget, too slow for a request (10-20 s a photo here)
    static final Level HIGH_DEFAULT = new Level(10f, 14, 6, 4, 4, 1.0, -1.0, 1, STRONG_SET, false, 5.0);

    public CloakProperties {
        modelLocation = modelLocation != null ? modelLocation : "models/face-api";
        workers = workers != null ? workers : Math.max(1, Runtime.getRuntime().availableProcessors());
        // capped at the field's @Max(64), so a host with more cores still starts with the defaults
        intraOpThreads = intraOpThreads != null ? intraOpThreads : Math.max(1, Math.min(64, Runtime.getRuntime().availableProcessors()));
        queueCapacity = queueCapacity != null ? queueCapacity : 32;
        timeout = timeout != null ? timeout : Duration.ofSeconds(60);
        minDetectionScore = minDetectionScore != null ? minDetectionScore : 0.5;
        matchThreshold = matchThreshold != null ? matchThreshold : 0.6;
        failMargin = failMargin != null ? failMargin : 0.05;
        minFaceSsim = minFaceSsim != null ? minFaceSsim : 0.85;
        targetFaceSsim = targetFaceSsim != null ? targetFaceSsim : 0.95;
        if (targetFaceSsim > 0 && targetFaceSsim < minFaceSsim) {
            throw new IllegalArgumentException("dntme.cloak.target-face-ssim (" + targetFaceSsim
                    + ") must be 0 (off) or at least dntme.cloak.min-face-ssim (" + minFaceSsim + ")");
        }
        List<String> setForAll = recognizers != null && !recognizers.isEmpty() ? List.copyOf(recognizers) : null;
        // an unset level is filled from its defaults like a set one, so that dntme.cloak.recognizers reaches it too
        Level unset = new Level(null, null, null, null, null, null, null, null, null, null, null);
        low = (low != null ? low : unset).orDefaults(LOW_DEFAULT, setForAll);
        medium = (medium != null ? medium : unset).orDefaults(MEDIUM_DEFAULT, setForAll);
        high = (high != null ? high : unset).orDefaults(HIGH_DEFAULT, setForAll);
        ensemble = ensemble != null ? ensemble : false;
        ensembleTargetDistance = ensembleTargetDistance != null ? ensembleTargetDistance : 1.0;
        ensembleFeatureWeight = ensembleFeatureWeight != null ? ensembleFeatureWeight : 0.0;
        transfer = transfer != null ? transfer : TransferSettings.defaults();
        frames = frames != null ? frames : FrameSettings.defaults();
        onnxRecognizers = onnxRecognizers != null ? Map.copyOf(onnxRecognizers) : Map.of();
        Recognizers registry = registry(onnxRecognizers); // refuses an own recogniser under a built-in name
        recognizers = setForAll;
        for (Level level : List.of(low, medium, high)) {
            List<String> set = level.recognizers();
            if (new java.util.HashSet<>(set).size() != set.size()) {
                throw new IllegalArgumentException("dntme.cloak recognizers name a recogniser twice: " + set);
            }
            for (String name : set) {
                if (!registry.contains(name)) {
                    throw new IllegalArgumentException("dntme.cloak recognizers: unknown recogniser " + name
                            + "; known: " + new java.util.TreeSet<>(registry.names()));
                }
            }
        }
        recognizerWeights = recognizerWeights != null ? Map.copyOf(recognizerWeights) : Map.of();
        for (Map.Entry<String, Double> w : recognizerWeights.entrySet()) {
            if (!registry.contains(w.getKey())
                    || !(w.getValue() >= 0 && w.getValue() <= 100)) {
                throw new IllegalArgumentException("dntme.cloak.recognizer-weights." + w.getKey() + "=" + w.getValue()
                        + ": must name a known recogniser and be in 0..100");
            }
        }
        memberTargetRatio = memberTargetRatio != null ? memberTargetRatio : 1.1;
        redetectOnPublish = redetectOnPublish != null ? redetectOnPublish : true;
        othersPerStep = othersPerStep != null ? othersPerStep : 2;
    }

    /** Everything at its default. */
    public static CloakProperties defaults() {
        return new CloakProperties(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** A strength's level, with every default filled in. */
    public Level level(CloakStrength strength) {
        return switch (strength) {
            case LOW -> low;
            case MEDIUM -> medium;
            case HIGH -> high;
        };
    }

    /** Every recogniser these settings can name: the built-ins (dlib where and as configured), then the platform's own. */
    public Recognizers recognizerRegistry() {
        return registry(onnxRecognizers).withDlibAt(modelLocation, matchThreshold);
    }

    private static Recognizers registry(Map<String, OnnxRecognizerSetting> own) {
        // sorted, so that the registry's order does not depend on the map's
        return Recognizers.builtIn().with(new java.util.TreeMap<>(own).entrySet().stream()
                .map(e -> e.getValue().descriptor(e.getKey())).toList());
    }

    /** The recognisers in a level's loss, the one that decides failing closed first. */
    public List<String> recognizers(CloakStrength strength) {
        if (ensemble) { // the older two-model settings, for every level
            return List.of(Recognizers.DLIB, transfer.mobileFace() ? Recognizers.MOBILEFACE : Recognizers.FACERES);
        }
        return level(strength).recognizers();
    }

    /** Whether a still at this strength is cloaked within the upload request (else by a background job). */
    public boolean inRequest(CloakStrength strength) {
        return level(strength).inRequest();
    }

    /** The optimiser budget for a strength. */
    public CloakBudget budget(CloakStrength strength) {
        Level l = level(strength);
        double fail = matchThreshold + failMargin;
        return new CloakBudget(l.epsilon(), l.steps(), l.retrySteps(), l.rounds(), l.eotSamples(),
                Math.max(l.targetDistance(), fail), fail, minFaceSsim, l.checkMargin(), l.minSteps());
    }
}
