package dev.dntme.gateway.cloak.attack;

import dev.dntme.gateway.cloak.CloakEngine;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import dev.dntme.gateway.cloak.nets.NnOps;
import dev.dntme.gateway.cloak.nets.Rows;
import dev.dntme.gateway.cloak.nets.TfjsGraphRecognizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The cloak: projected gradient ascent on the distance between a face's embedding and its clean
 * embedding, in image pixels, under an L-infinity cap, over random transformations, with the real
 * publish path (round to 8 bits, encode, decode, re-extract the chip) in the loop.
 *
 * <p>Loss, per face f with clean descriptor e_f and published-path correction r_f:
 * {@code maximise mean_t || net(T_t(warp(x_f + up(d_f)) + r_f)) - e_f ||^2, |d_f| <= eps}. The
 * correction r_f is the difference between the chip the real path produced at the last check and the
 * chip the differentiable warp produces: a straight-through estimate of rounding, JPEG and the
 * aligner's own resampling, refreshed at every check.
 *
 * <p>Not thread-safe: one instance per worker thread (it owns no native memory; each call works in
 * its own sub-manager of the manager passed in).
 */
public final class CloakOptimizer {

    /** Extracts a 150x150 CHW RGB 0..255 chip the way the recogniser being defeated would. */
    @FunctionalInterface
    public interface ChipExtractor {
        float[] extract(BufferedImage image, AffineTransform chipToImage);
    }

    /**
     * Re-fits each face's alignment on the published pixels, as a scraper's pipeline would (its
     * landmarks see the cloaked face, not the original one).
     */
    @FunctionalInterface
    public interface Realigner {
        List<AffineTransform> realign(BufferedImage published, List<java.awt.geom.Rectangle2D> boxes);
    }

    /**
     * A face to cloak: where its chip comes from, its box for the receipt and, for an ensemble model with
     * its own alignment (MobileFace's ArcFace crop), where that model's chip comes from (null: the dlib chip).
     */
    public record Target(AffineTransform chipToImage, Rectangle box, AffineTransform extraChipToImage) {
    public     Target(AffineTransform chipToImage, Rectangle box) {
            this(chipToImage, box, null);
        }
    }

    /** Measured on the published bytes. */
    public record FaceResult(Rectangle box, double distance, double ssim) {}

    public record Result(byte[] encoded, BufferedImage published, List<FaceResult> faces, int rounds, int steps) {}

    /** A publish check's bytes, their decoded pixels and each face's distance there. */
    private record Check(byte[] encoded, BufferedImage decoded, double[] distance) {}

    private static final int S = FaceRecognitionNet.CHIP_SIZE;

    private final FaceRecognitionNet net;
    private final NDManager manager;
    private final ChipExtractor extractor;
    private final Realigner realigner;
    private final Eot eot;
    private final double cellInChipPixels;
    /** Second recogniser of an ensemble (fed the same chips), or null: dlib alone. */
    private TfjsGraphRecognizer extra;
    /** Stop pushing a face once the extra model's published distance reaches this. */
    private double extraTarget;

    public CloakOptimizer(FaceRecognitionNet net, NDManager manager, ChipExtractor extractor, Eot eot, double cellInChipPixels) {
        this(net, manager, extractor, null, eot, cellInChipPixels);
    }

    /**
     * @param realigner when given, every publish check also measures each face at the alignment a
     *                  scraper would fit on the published pixels, and a face counts as protected only
     *                  if both distances clear the bar (the receipt gets the smaller one)
     */
    public CloakOptimizer(FaceRecognitionNet net, NDManager manager, ChipExtractor extractor, Realigner realigner, Eot eot,
            double cellInChipPixels) {
        this.realigner = realigner;
        this.net = net;
        this.manager = manager;
        this.extractor = extractor;
        this.eot = eot;
        this.cellInChipPixels = cellInChipPixels;
    }

    /**
     * Ensemble mode: every step also pushes {@code model}'s embedding of the same (transformed) chips away
     * from its clean embedding; the loss becomes {@code sum_t ||net(c_t) - e_f|| / matchThreshold +
     * ||model(c_t) - m_f|| / model.threshold}, each model's distance divided by its own threshold. A face
     * keeps getting steps until both distances reach their targets ({@code extraTarget} for the extra
     * model); failing closed still depends on the dlib distance only.
     */
    public CloakOptimizer withEnsemble(TfjsGraphRecognizer model, double matchThreshold, double extraTarget) {
        this.extra = model;
        this.dlibThreshold = matchThreshold;
        this.extraTarget = extraTarget;
        return this;
    }

    private double dlibThreshold = 0.6;
    /** The extra model reads its own crop of each face (Target.extraChipToImage) rather than the dlib chip. */
    private boolean extraOwnCrop;
    /** MI-FGSM decay (0 = plain sign of the gradient). */
    private double momentum;
    /** TI: sigma, in grid cells, of the Gaussian applied to the gradient on the grid (0 = off). */
    private double tiSigma;
    /** Weight of the extra model's distance term. */
    private double extraWeight = 1.0;

    public CloakOptimizer withExtraWeight(double w) {
        this.extraWeight = w;
        return this;
    }

    /** Extra model fed its own aligned crop of each face (see {@link Target#extraChipToImage}). */
    public CloakOptimizer withExtraOwnCrop(boolean own) {
        this.extraOwnCrop = own;
        return this;
    }

    /** Momentum (MI-FGSM) and translation-invariant gradient smoothing (TI-FGSM); 0 turns each off. */
    public CloakOptimizer withTransfer(double momentumDecay, double tiSigmaCells) {
        this.momentum = momentumDecay;
        this.tiSigma = tiSigmaCells;
        return this;
    }
    /** Optional mid-level feature term of the extra model: node and weight (relative L2 change of the map). */
    private String featureNode;
    private double featureWeight;

    public CloakOptimizer withFeatureLoss(String node, double weight) {
        this.featureNode = node;
        this.featureWeight = weight;
        return this;
    }

    /**
     * Where PGD starts instead of random noise, e.g. a perturbation learnt on the same person's earlier
     * uploads (warm start). Off (null) by default.
     */
    @FunctionalInterface
    public interface InitialGrid {
        /** Start values of face {@code face}'s {@code [3, warp.gridH, warp.gridW]} grid, or null for random noise. */
        float[] of(int face, ChipWarp warp, AffineTransform chipToImage);
    }

    private InitialGrid initialGrid;

    public CloakOptimizer withInitialGrid(InitialGrid start) {
        this.initialGrid = start;
        return this;
    }

    /** Sees every publish check: what the steps estimated and what the published bytes measured (calibration). */
    @FunctionalInterface
    public interface CheckObserver {
        /**
         * @param estimates per face, the identity-sample distance of the round's last step that had one (NaN: none)
         * @param published per face, the distance measured on the published bytes at this check
         */
        void checked(int round, int stepsSoFar, double[] estimates, double[] published);
    }

    private CheckObserver checkObserver = (round, steps, estimates, published) -> { };

    public CloakOptimizer withCheckObserver(CheckObserver observer) {
        this.checkObserver = observer;
        return this;
    }

    /**
     * Per face, the dlib distance of the last step's identity sample (chip with the straight-through
     * correction, no random transformation) from the clean descriptor: the step's forward pass computes it
     * anyway, so it estimates the published distance for free, one step late (it is measured before the
     * step's update). NaN until a step with an identity sample ran in the current round.
     */
    private double[] estimates = new double[0];

    /** Runs on the calling thread before every PGD step (the engine re-splits the cores there). */
    private Runnable beforeStep = () -> { };

    public CloakOptimizer withBeforeStep(Runnable hook) {
        this.beforeStep = hook;
        return this;
    }

    /** Optional first-stage term (issue 7): also push the SSD detector's face scores down, with this weight. */
    private DetectorTerm detectorTerm;
    private double detectorWeight;
    /** The photo being cloaked, for the detector term; null without one. */
    private DetectorTerm.Photo detectorPhoto;

    /**
     * Adds {@code weight * DetectorTerm.loss} to every step, and keeps a face getting steps (within the rounds)
     * while the SSD still detects it in the published bytes. Failing closed still depends on the dlib
     * distance only: a face still detected is published, as it would be without the term.
     */
    public CloakOptimizer withDetector(DetectorTerm term, double weight) {
        this.detectorTerm = weight > 0 ? term : null;
        this.detectorWeight = weight;
        return this;
    }

    /** Texture-adaptive caps (PerceptualBudget) up to this many 8-bit levels; 0 = one uniform eps. */
    private float adaptiveMaxEps;
    /** With adaptive caps, a face whose published SSIM is under this gets its caps shrunk and more steps. */
    private double adaptiveMinSsim;
    /** This call's caps per face, on its grid (null: uniform eps). */
    private float[][] caps;

    /** Adaptive caps also outside the face box (in the rest of the chip's region). */
    private boolean adaptiveOutsideBox;

    /** Uniform cap: a face whose published SSIM is under this gets its cap shrunk and another round; 0 = off. */
    private double faceSsimTarget;

    /**
     * With the uniform cap, a face whose published face-region SSIM is under {@code target} at a check gets its
     * own cap (and grid) shrunk toward it and stays active for another round, as the adaptive budget's faces do;
     * a soft target: after the last round the face is published if it clears the fail bar and the breakage floor.
     */
    public CloakOptimizer withFaceSsimTarget(double target) {
        this.faceSsimTarget = target;
        return this;
    }

    public CloakOptimizer withPerceptualBudget(double maxEps, double minSsim, boolean outsideBox) {
        this.adaptiveMaxEps = (float) maxEps;
        this.adaptiveMinSsim = minSsim;
        this.adaptiveOutsideBox = outsideBox;
        return this;
    }

    /** Mid-level feature term of the dlib net: stage and weight (relative L2 change of the stage's output map). */
    private String dlibFeatureStage;
    private double dlibFeatureWeight;

    public CloakOptimizer withDlibFeatureLoss(String stage, double weight) {
        this.dlibFeatureStage = weight > 0 ? stage : null;
        this.dlibFeatureWeight = weight;
        return this;
    }

    /** Descriptors of other people's faces (Fawkes-style targets), or null: untargeted. */
    private float[][] decoyPool;
    private double decoyWeight;
    /** This call's decoy per face: the pool member farthest from the face's clean descriptor. */
    private float[][] decoys;

    /**
     * Targeted mode (Fawkes): each face is also pulled toward the descriptor of another person's face, the pool
     * member farthest from its own, with this weight: the loss becomes {@code -||e - e0||^2 + w ||e - t||^2}.
     * Pool members closer than 0.6 to the face (the same person) are never chosen.
     */
    public CloakOptimizer withDecoys(float[][] pool, double weight) {
        this.decoyPool = weight > 0 ? pool : null;
        this.decoyWeight = weight;
        return this;
    }

    public Result cloak(BufferedImage image, List<Target> targets, CloakBudget budget, CloakEngine.ImageEncoder encoder, Random rng) {
        int n = targets.size();
        List<ChipWarp> warps = new ArrayList<>();
        List<ChipWarp> extraWarps = null; // own-crop ensemble: the extra model's chip, from the same region and grid
        List<float[]> bases = new ArrayList<>();
        float[][] clean = new float[n][];
        float[][] cleanX = null;
        boolean own = extra != null && extraOwnCrop;
        if (own) {
            extraWarps = new ArrayList<>();
            cleanX = new float[n][];
        }
        for (int f = 0; f < n; f++) {
            AffineTransform t = targets.get(f).chipToImage();
            ChipWarp w;
            if (own) {
                AffineTransform tx = extraTransform(targets.get(f));
                Rectangle region = ChipWarp.regionOf(t, image.getWidth(), image.getHeight())
                        .union(ChipWarp.regionOf(tx, image.getWidth(), image.getHeight()));
                w = new ChipWarp(t, region, cellInChipPixels);
                extraWarps.add(new ChipWarp(tx, region, cellInChipPixels));
                cleanX[f] = extractor.extract(image, tx);
            } else {
                w = new ChipWarp(t, image.getWidth(), image.getHeight(), cellInChipPixels);
            }
            warps.add(w);
            bases.add(w.readRegion(image));
            clean[f] = extractor.extract(image, t);
        }
        float[][] cleanDesc = net.describe(clean);
        decoys = null;
        if (decoyPool != null) {
            decoys = new float[n][];
            for (int f = 0; f < n; f++) {
                double best = -1;
                for (float[] d : decoyPool) {
                    double dist = FaceRecognitionNet.distance(d, cleanDesc[f]);
                    if (dist >= dlibThreshold && dist > best) {
                        best = dist;
                        decoys[f] = d;
                    }
                }
                if (decoys[f] == null) {
                    decoys[f] = cleanDesc[f]; // nobody else in the pool: the decoy term is constant, untargeted
                }
            }
        }
        List<Rectangle> faceBoxes = new ArrayList<>();
        targets.forEach(t -> faceBoxes.add(t.box()));
        detectorPhoto = null;
        if (detectorTerm != null) {
            List<Rectangle> regions = new ArrayList<>();
            warps.forEach(w -> regions.add(w.region));
            detectorPhoto = detectorTerm.prepare(image, regions, faceBoxes);
        }
        float[][] cleanExtra = extra == null ? null : extra.describe(own ? cleanX : clean);
        float[][] cleanFeatures = extra == null || featureNode == null ? null : extra.features(featureNode, clean);
        cleanDlibFeatures = dlibFeatureStage == null ? null : net.features(dlibFeatureStage, clean);

        float eps = budget.epsilon();
        caps = null;
        if (adaptiveMaxEps > 0) {
            caps = new float[n][];
            for (int f = 0; f < n; f++) {
                caps[f] = PerceptualBudget.caps(warps.get(f), bases.get(f), targets.get(f).box(), eps, adaptiveMaxEps, adaptiveOutsideBox);
            }
        } else if (faceSsimTarget > 0) {
            // one uniform cap per face, so that a face over the SSIM target can have its own shrunk
            caps = new float[n][];
            for (int f = 0; f < n; f++) {
                caps[f] = new float[warps.get(f).gridH * warps.get(f).gridW];
                java.util.Arrays.fill(caps[f], eps);
            }
        }
        double ssimFloor = adaptiveMaxEps > 0 ? adaptiveMinSsim : faceSsimTarget;
        float[][] grids = new float[n][];
        float[][] corrections = new float[n][3 * S * S];
        float[][] extraCorrections = own ? new float[n][3 * S * S] : null;
        float[][] velocity = momentum > 0 ? new float[n][] : null;
        for (int f = 0; f < n; f++) {
            // PGD from random noise: at d = 0 the gradient of ||f(x+d) - f(x)||^2 is exactly zero
            grids[f] = new float[3 * warps.get(f).gridH * warps.get(f).gridW];
            if (velocity != null) {
                velocity[f] = new float[grids[f].length];
            }
            float[] start = initialGrid == null ? null : initialGrid.of(f, warps.get(f), targets.get(f).chipToImage());
            for (int i = 0; i < grids[f].length; i++) {
                float cap = caps == null ? eps : caps[f][i % caps[f].length];
                grids[f][i] = start != null ? Math.max(-cap, Math.min(cap, start[i])) : (float) ((rng.nextDouble() * 2 - 1) * cap);
            }
        }

        // the aligner anti-aliases, the differentiable warp samples: start from their known difference
        updateCorrections(warps, bases, grids, clean, corrections, true);
        if (own) {
            updateCorrections(extraWarps, bases, grids, cleanX, extraCorrections, true);
        }

        double[] distance = new double[n];
        Check lastPublishable = null;
        // face SSIM measured at the last check, reused for the receipt (NaN: not measured there)
        double[] checkedSsim = new double[n];
        boolean[] active = new boolean[n];
        java.util.Arrays.fill(active, true);
        estimates = new double[n];
        // the estimate is the dlib distance alone: the ensemble, the detector term and the adaptive caps keep
        // faces active for reasons it cannot see, so they keep the fixed step counts
        boolean earlyCheck = budget.earlyCheck() && extra == null && detectorPhoto == null && adaptiveMaxEps <= 0;
        double checkAt = budget.targetDistance() + budget.checkMargin();
        byte[] encoded = null;
        BufferedImage published = null;
        int totalSteps = 0;
        int round = 0;
        while (round < budget.rounds()) {
            int steps = round == 0 ? budget.steps() : budget.retrySteps();
            // a retry's first step already sees the correction refreshed at the check before it
            int minSteps = round == 0 ? budget.minSteps() : 1;
            java.util.Arrays.fill(estimates, Double.NaN);
            for (int k = 0; k < steps; k++) {
                double alpha = round == 0
                        ? eps * Math.max(0.08, 0.4 * (1 - (double) k / steps))
                        : eps * 0.12;
                // With one sample per step, every other step sees a random transformation, so the cloak still
                // learns to survive resizes, shifts and blur at half the cost of two samples.
                boolean identityFirst = budget.eotSamples() > 1 || totalSteps % 2 == 0;
                if (detectorPhoto != null) {
                    correctDetector(image, warps, bases, grids, eps, encoder);
                }
                beforeStep.run();
                step(warps, extraWarps, bases, grids, corrections, extraCorrections, velocity, cleanDesc, cleanExtra, cleanFeatures,
                        active, alpha, eps, budget.eotSamples(), identityFirst, rng);
                totalSteps++;
                if (earlyCheck && k + 1 >= minSteps && clears(estimates, active, checkAt)) {
                    break;
                }
            }
            round++;
            double[] estimated = estimates.clone();

            published = compose(image, warps, grids, eps);
            encoded = encoder.encode(published);
            BufferedImage decoded = decode(encoded);
            float[][] real = new float[n][];
            for (int f = 0; f < n; f++) {
                real[f] = extractor.extract(decoded, targets.get(f).chipToImage());
            }
            float[][] rescanChips = rescanChips(decoded, targets);
            float[][] realDesc;
            float[][] rescanDesc = null;
            if (rescanChips == null) {
                realDesc = net.describe(real);
            } else {
                // one pass for both alignments: a pass at batch 2n costs little more than at batch n
                // (PassCostBenchmark), so this saves most of a forward pass per check
                float[][] both = net.describe(concat(real, rescanChips));
                realDesc = java.util.Arrays.copyOfRange(both, 0, n);
                rescanDesc = java.util.Arrays.copyOfRange(both, n, 2 * n);
            }
            float[][] realX = null;
            if (own) {
                realX = new float[n][];
                for (int f = 0; f < n; f++) {
                    realX[f] = extractor.extract(decoded, extraTransform(targets.get(f)));
                }
            }
            float[][] realExtra = extra == null ? null : extra.describe(own ? realX : real);
            // own crop: no re-fitted alignment for the extra model (the realigner fits dlib's chip only)
            float[][] rescanExtra = extra == null || own || rescanChips == null ? null : extra.describe(rescanChips);
            boolean[] detected = detectorPhoto == null ? null : detectorTerm.detected(decoded, faceBoxes);
            boolean done = true;
            java.util.Arrays.fill(checkedSsim, Double.NaN);
            for (int f = 0; f < n; f++) {
                distance[f] = FaceRecognitionNet.distance(realDesc[f], cleanDesc[f]);
                if (rescanDesc != null && rescanDesc[f] != null) {
                    distance[f] = Math.min(distance[f], FaceRecognitionNet.distance(rescanDesc[f], cleanDesc[f]));
                }
                active[f] = distance[f] < budget.targetDistance();
                if (extra != null) {
                    double x = FaceRecognitionNet.distance(realExtra[f], cleanExtra[f]);
                    if (rescanExtra != null) {
                        x = Math.min(x, FaceRecognitionNet.distance(rescanExtra[f], cleanExtra[f]));
                    }
                    active[f] |= x < extraTarget;
                }
                if (detected != null) {
                    active[f] |= detected[f];
                }
                // the uniform cap gives SSIM back only from a face already past its target: protection comes first
                if (caps != null && ssimFloor > 0 && (adaptiveMaxEps > 0 || distance[f] >= budget.targetDistance())) {
                    double ssim = Ssim.of(image, decoded, targets.get(f).box());
                    checkedSsim[f] = ssim;
                    if (ssim < ssimFloor) {
                        // SSIM's cost grows with the square of the caps: shrink them to land over the floor, with a
                        // margin, since the steps that follow push the grid back out to the new caps
                        float s = (float) Math.max(0.5, Math.min(0.95, 0.9 * Math.sqrt((1 - ssimFloor) / (1 - ssim))));
                        float[] c = caps[f];
                        float[] d = grids[f];
                        for (int i = 0; i < c.length; i++) {
                            c[i] *= s;
                        }
                        for (int i = 0; i < d.length; i++) {
                            float cap = c[i % c.length];
                            d[i] = Math.max(-cap, Math.min(cap, d[i]));
                        }
                        active[f] = true;
                    }
                }
                done &= !active[f];
            }
            checkObserver.checked(round, totalSteps, estimated, distance.clone());
            published = decoded;
            if (allAtLeast(distance, budget.failDistance())) {
                // a later round (a shrunk cap, an unlucky JPEG) can end worse: this one's bytes stay publishable
                lastPublishable = new Check(encoded, decoded, distance.clone());
            }
            if (done) {
                break;
            }
            updateCorrections(warps, bases, grids, real, corrections, false);
            if (own) {
                updateCorrections(extraWarps, bases, grids, realX, extraCorrections, false);
            }
        }

        if (!allAtLeast(distance, budget.failDistance()) && lastPublishable != null) {
            encoded = lastPublishable.encoded();
            published = lastPublishable.decoded();
            distance = lastPublishable.distance();
            java.util.Arrays.fill(checkedSsim, Double.NaN);
        }
        List<FaceResult> results = new ArrayList<>();
        for (int f = 0; f < n; f++) {
            Rectangle box = targets.get(f).box();
            if (distance[f] < budget.failDistance()) {
                throw new CloakFailedException(String.format(
                        "face at %d,%d %dx%d is still %.3f from its original after %d rounds (needs %.2f)",
                        box.x, box.y, box.width, box.height, distance[f], round, budget.failDistance()));
            }
            double ssim = Double.isNaN(checkedSsim[f]) ? Ssim.of(image, published, box) : checkedSsim[f];
            if (!(ssim >= budget.minFaceSsim())) {
                // the cap makes this impossible unless something broke: fail closed rather than publish it
                throw new CloakFailedException(String.format(
                        "face at %d,%d %dx%d came out with SSIM %.3f, under the floor %.2f", box.x, box.y, box.width, box.height, ssim, budget.minFaceSsim()));
            }
            results.add(new FaceResult(box, distance[f], ssim));
        }
        return new Result(encoded, published, results, round, totalSteps);
    }

    /** Whether every face's published distance is at least {@code bar}. */
    private static boolean allAtLeast(double[] distance, double bar) {
        for (double d : distance) {
            if (!(d >= bar)) {
                return false;
            }
        }
        return true;
    }

    /** Whether every face still being pushed has an estimate of at least {@code bar} (NaN never clears). */
    private static boolean clears(double[] estimates, boolean[] active, double bar) {
        for (int f = 0; f < active.length; f++) {
            if (active[f] && !(estimates[f] >= bar)) {
                return false;
            }
        }
        return true;
    }

    /** Per stepped face, the distance of the identity sample (sample 0) of {@code emb [faces, samples, 128]}. */
    private void recordEstimates(NDArray emb, float[][] cleanDesc, List<Integer> faces, int samples) {
        float[] e = emb.toFloatArray();
        int d = FaceRecognitionNet.DESCRIPTOR_SIZE;
        for (int i = 0; i < faces.size(); i++) {
            estimates[faces.get(i)] = FaceRecognitionNet.distance(java.util.Arrays.copyOfRange(e, i * samples * d, i * samples * d + d),
                    cleanDesc[faces.get(i)]);
        }
    }

    /** The detector term's straight-through correction, from the photo as it would be published after this step's grids. */
    private void correctDetector(BufferedImage image, List<ChipWarp> warps, List<float[]> bases, float[][] grids, float eps,
            CloakEngine.ImageEncoder encoder) {
        BufferedImage now = decode(encoder.encode(compose(image, warps, grids, eps)));
        try (NDManager pass = manager.newSubManager()) {
            NDArray[] deltas = new NDArray[warps.size()];
            for (int f = 0; f < warps.size(); f++) {
                ChipWarp w = warps.get(f);
                NDArray base = pass.create(bases.get(f), new Shape(3, w.region.height, w.region.width));
                deltas[f] = base.add(w.upsample(pass.create(grids[f], new Shape(3, w.gridH, w.gridW)), pass)).clip(0, 255).sub(base);
            }
            detectorTerm.correct(detectorPhoto, now, deltas, pass);
        }
    }

    /** Chips of each face at the alignment re-fitted on the published pixels; null without a realigner. */
    private float[][] rescanChips(BufferedImage decoded, List<Target> targets) {
        if (realigner == null) {
            return null;
        }
        List<java.awt.geom.Rectangle2D> boxes = new ArrayList<>();
        targets.forEach(t -> boxes.add(t.box()));
        List<AffineTransform> again = realigner.realign(decoded, boxes);
        float[][] chips = new float[targets.size()][];
        for (int f = 0; f < targets.size(); f++) {
            AffineTransform t = again.get(f);
            chips[f] = extractor.extract(decoded, t != null ? t : targets.get(f).chipToImage());
        }
        return chips;
    }

    private static float[][] concat(float[][] a, float[][] b) {
        float[][] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static AffineTransform extraTransform(Target t) {
        return t.extraChipToImage() != null ? t.extraChipToImage() : t.chipToImage();
    }

    private void step(List<ChipWarp> warps, List<ChipWarp> extraWarps, List<float[]> bases, float[][] grids, float[][] corrections,
            float[][] extraCorrections, float[][] velocity, float[][] cleanDesc, float[][] cleanExtra, float[][] cleanFeatures, boolean[] active, double alpha, float eps, int samples, boolean identityFirst,
            Random rng) {
        List<Integer> faces = new ArrayList<>();
        for (int f = 0; f < warps.size(); f++) {
            if (active[f]) {
                faces.add(f);
            }
        }
        if (faces.isEmpty()) {
            return;
        }
        // without a per-pass sub-manager every step leaks its graph's native buffers.
        // DJL's GradientCollector is one per process (a static flag, and its close() walks every array
        // of the system manager), so parallel workers use PyTorch's autograd directly: grad mode is
        // thread-local in PyTorch, each worker's graph is its own.
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager pass = manager.newSubManager()) {
            JniUtils.setGradMode(true);
            NDList gridArrays = new NDList();
            NDList chips = new NDList();
            NDList chipsX = new NDList();
            float[] targets = Rows.stack(cleanDesc, faces);
            NDArray[] deltas = detectorPhoto == null ? null : new NDArray[warps.size()];
            for (int i = 0; i < faces.size(); i++) {
                int f = faces.get(i);
                ChipWarp w = warps.get(f);
                NDArray grid = pass.create(grids[f], new Shape(3, w.gridH, w.gridW));
                grid.setRequiresGradient(true);
                gridArrays.add(grid);
                NDArray base = pass.create(bases.get(f), new Shape(3, w.region.height, w.region.width));
                NDArray region = base.add(w.upsample(grid, pass)).clip(0, 255);
                if (deltas != null) {
                    deltas[f] = region.sub(base);
                }
                NDArray chip = w.warp(region, pass).add(pass.create(corrections[f], new Shape(3, S, S)));
                chips.add(chip.expandDims(0));
                if (extraWarps != null) {
                    chipsX.add(extraWarps.get(f).warp(region, pass).add(pass.create(extraCorrections[f], new Shape(3, S, S)))
                            .expandDims(0));
                }
            }
            NDArray batch = chips.size() == 1 ? chips.head() : NDArrays.concat(chips, 0);
            NDArray transformed = eot.apply(batch, samples, identityFirst, rng, pass);
            NDArray dlibChange = null;
            NDArray emb;
            if (cleanDlibFeatures != null) {
                NDList out = net.forward(transformed, dlibFeatureStage);
                emb = out.get(0).reshape(faces.size(), samples, FaceRecognitionNet.DESCRIPTOR_SIZE);
                dlibChange = relativeChange(out.get(1), cleanDlibFeatures, faces, samples, pass).mul((float) dlibFeatureWeight);
            } else {
                emb = net.forward(transformed).reshape(faces.size(), samples, FaceRecognitionNet.DESCRIPTOR_SIZE);
            }
            NDArray e0 = pass.create(targets, new Shape(faces.size(), 1, FaceRecognitionNet.DESCRIPTOR_SIZE));
            NDArray loss;
            if (extra == null) {
                // ascent on the squared distance == descent on its negative
                loss = emb.sub(e0).square().sum().div(-samples);
                if (decoys != null) {
                    NDArray t0 = pass.create(Rows.stack(decoys, faces), new Shape(faces.size(), 1, FaceRecognitionNet.DESCRIPTOR_SIZE));
                    loss = loss.add(emb.sub(t0).square().sum().mul((float) (decoyWeight / samples)));
                }
                if (dlibChange != null) {
                    loss = loss.sub(dlibChange.sum().div(samples));
                }
            } else {
                int dx = cleanExtra[0].length;
                float[] xTargets = Rows.stack(cleanExtra, faces);
                NDArray transformedX = transformed;
                if (extraWarps != null) {
                    NDArray batchX = chipsX.size() == 1 ? chipsX.head() : NDArrays.concat(chipsX, 0);
                    transformedX = eot.apply(batchX, samples, identityFirst, rng, pass);
                }
                List<NDArray> outX = extra.forward(transformedX, cleanFeatures == null ? null : featureNode);
                NDArray embX = outX.get(0).reshape(faces.size(), samples, dx);
                NDArray x0 = pass.create(xTargets, new Shape(faces.size(), 1, dx));
                // sum of each model's distance over its own threshold (1e-8 keeps sqrt's gradient finite at 0)
                NDArray dDlib = emb.sub(e0).square().sum(new int[] {2}).add(1e-8f).sqrt().div((float) dlibThreshold);
                NDArray dExtra = embX.sub(x0).square().sum(new int[] {2}).add(1e-8f).sqrt()
                        .div((float) extra.spec().threshold()).mul((float) extraWeight);
                NDArray total = dDlib.add(dExtra);
                if (cleanFeatures != null) {
                    NDArray change = relativeChange(outX.get(1), cleanFeatures, faces, samples, pass);
                    total = total.add(change.mul((float) featureWeight));
                }
                if (dlibChange != null) {
                    total = total.add(dlibChange);
                }
                loss = total.sum().div(-samples);
            }
            if (deltas != null) {
                for (int f = 0; f < deltas.length; f++) {
                    if (deltas[f] == null) { // a face already done: its perturbation is still in the photo the detector sees
                        ChipWarp w = warps.get(f);
                        NDArray base = pass.create(bases.get(f), new Shape(3, w.region.height, w.region.width));
                        deltas[f] = base.add(w.upsample(pass.create(grids[f], new Shape(3, w.gridH, w.gridW)), pass)).clip(0, 255).sub(base);
                    }
                }
                loss = loss.add(detectorTerm.loss(detectorPhoto, deltas, pass).mul((float) detectorWeight));
            }
            JniUtils.backward((PtNDArray) loss, (PtNDArray) pass.ones(loss.getShape()), false, false);
            if (identityFirst) {
                recordEstimates(emb, cleanDesc, faces, samples);
            }
            for (int i = 0; i < faces.size(); i++) {
                int f = faces.get(i);
                float[] g = gridArrays.get(i).getGradient().toFloatArray();
                float[] d = grids[f];
                ChipWarp w = warps.get(f);
                if (tiSigma > 0) {
                    g = smooth(g, w.gridH, w.gridW, tiSigma);
                }
                if (velocity != null) {
                    // MI-FGSM: v = mu v + g / mean|g| (non-finite entries count as 0)
                    double l1 = 0;
                    for (float v : g) {
                        l1 += Float.isFinite(v) ? Math.abs(v) : 0;
                    }
                    float scale = l1 > 0 ? (float) (g.length / l1) : 0f;
                    float[] vel = velocity[f];
                    for (int j = 0; j < g.length; j++) {
                        vel[j] = (float) (momentum * vel[j] + (Float.isFinite(g[j]) ? g[j] * scale : 0f));
                    }
                    g = vel;
                }
                for (int j = 0; j < d.length; j++) {
                    // a non-finite gradient must never reach the pixels: Math.round(NaN) is 0, a black face
                    float cap = caps == null ? eps : caps[f][j % caps[f].length];
                    double a = caps == null ? alpha : alpha * cap / eps; // the step schedule stays relative to the cap
                    float v = Float.isFinite(g[j]) ? d[j] - (float) (a * Math.signum(g[j])) : d[j];
                    d[j] = Math.max(-cap, Math.min(cap, v));
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private float[][] cleanDlibFeatures;

    /** {@code [faces, samples]} L2 change of a feature map relative to the clean map's norm. */
    private static NDArray relativeChange(NDArray feature, float[][] clean, List<Integer> faces, int samples, NDManager pass) {
        int k = clean[0].length;
        float[] f0 = Rows.stack(clean, faces);
        float[] norms = new float[faces.size()];
        for (int i = 0; i < faces.size(); i++) {
            float[] c = clean[faces.get(i)];
            double sq = 0;
            for (float v : c) {
                sq += v * v;
            }
            norms[i] = (float) Math.sqrt(sq + 1e-12);
        }
        NDArray feat = feature.reshape(faces.size(), samples, k);
        return feat.sub(pass.create(f0, new Shape(faces.size(), 1, k))).square().sum(new int[] {2})
                .add(1e-8f).sqrt().div(pass.create(norms, new Shape(faces.size(), 1)));
    }

    /**
     * Separable Gaussian smoothing of a {@code [3,h,w]} gradient (border clamped): TI-FGSM's kernel on the
     * perturbation grid. Non-finite entries count as 0.
     */
    public static float[] smooth(float[] g, int h, int w, double sigma) {
        int r = Math.max(1, (int) Math.ceil(2.5 * sigma));
        float[] k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = (float) Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= (float) sum;
        }
        float[] tmp = new float[g.length];
        float[] out = new float[g.length];
        for (int c = 0; c < 3; c++) {
            int o = c * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float acc = 0;
                    for (int i = -r; i <= r; i++) {
                        float v = g[o + y * w + Math.max(0, Math.min(w - 1, x + i))];
                        acc += k[i + r] * (Float.isFinite(v) ? v : 0f);
                    }
                    tmp[o + y * w + x] = acc;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float acc = 0;
                    for (int i = -r; i <= r; i++) {
                        acc += k[i + r] * tmp[o + Math.max(0, Math.min(h - 1, y + i)) * w + x];
                    }
                    out[o + y * w + x] = acc;
                }
            }
        }
        return out;
    }

    /** Straight-through correction: real published chip minus the differentiable model's chip. */
    private void updateCorrections(List<ChipWarp> warps, List<float[]> bases, float[][] grids, float[][] real,
            float[][] corrections, boolean clean) {
        try (NDManager pass = manager.newSubManager()) {
            for (int f = 0; f < warps.size(); f++) {
                ChipWarp w = warps.get(f);
                NDArray base = pass.create(bases.get(f), new Shape(3, w.region.height, w.region.width));
                if (!clean) {
                    base = base.add(w.upsample(pass.create(grids[f], new Shape(3, w.gridH, w.gridW)), pass)).clip(0, 255);
                }
                float[] model = w.warp(base, pass).toFloatArray();
                for (int i = 0; i < model.length; i++) {
                    corrections[f][i] = real[f][i] - model[i];
                }
            }
        }
    }

    /** The image with every face's perturbation added (summed where regions overlap, still capped at eps), rounded to 8 bits. */
    private BufferedImage compose(BufferedImage image, List<ChipWarp> warps, float[][] grids, float eps) {
        int width = image.getWidth();
        int height = image.getHeight();
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = NnOps.rgbPixels(image, 0, 0, width, height);
        Rectangle union = warps.get(0).region;
        for (ChipWarp w : warps) {
            union = union.union(w.region);
        }
        float[] delta = new float[3 * union.width * union.height];
        int plane = union.width * union.height;
        // adaptive caps: a pixel's cap is the largest of its faces' upsampled caps (no face: nothing to add)
        float[] pixelCap = caps == null ? null : new float[plane];
        try (NDManager pass = manager.newSubManager()) {
            for (int f = 0; f < warps.size(); f++) {
                ChipWarp w = warps.get(f);
                if (pixelCap != null) {
                    float[] pc = PerceptualBudget.pixelCaps(w, caps[f]);
                    for (int y = 0; y < w.region.height; y++) {
                        for (int x = 0; x < w.region.width; x++) {
                            int u = (w.region.y + y - union.y) * union.width + w.region.x + x - union.x;
                            pixelCap[u] = Math.max(pixelCap[u], pc[y * w.region.width + x]);
                        }
                    }
                }
                float[] d = w.upsample(pass.create(grids[f], new Shape(3, w.gridH, w.gridW)), pass).toFloatArray();
                int rp = w.region.width * w.region.height;
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < w.region.height; y++) {
                        int uy = w.region.y + y - union.y;
                        for (int x = 0; x < w.region.width; x++) {
                            int ux = w.region.x + x - union.x;
                            delta[c * plane + uy * union.width + ux] += d[c * rp + y * w.region.width + x];
                        }
                    }
                }
            }
        }
        for (int i = 0; i < delta.length; i++) {
            if (!Float.isFinite(delta[i])) {
                throw new CloakFailedException("the perturbation is not finite");
            }
            float cap = pixelCap == null ? eps : pixelCap[i % plane];
            delta[i] = Math.max(-cap, Math.min(cap, delta[i])); // overlapping faces share one budget
        }
        for (int y = 0; y < union.height; y++) {
            for (int x = 0; x < union.width; x++) {
                int i = (union.y + y) * width + union.x + x;
                int p = rgb[i];
                int r = clampByte(((p >> 16) & 0xFF) + delta[y * union.width + x]);
                int g = clampByte(((p >> 8) & 0xFF) + delta[plane + y * union.width + x]);
                int b = clampByte((p & 0xFF) + delta[2 * plane + y * union.width + x]);
                rgb[i] = (r << 16) | (g << 8) | b;
            }
        }
        out.getRaster().setDataElements(0, 0, width, height, rgb);
        return out;
    }

    private static int clampByte(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    public static BufferedImage decode(byte[] encoded) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(encoded));
            if (img == null) {
                throw new CloakFailedException("the encoder's output cannot be decoded");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
