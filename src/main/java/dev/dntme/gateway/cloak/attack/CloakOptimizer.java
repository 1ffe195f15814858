package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.dntme.gateway.cloak.CloakBudget;
import dev.dntme.gateway.cloak.CloakEngine;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.recognition.Crop;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The cloak: projected gradient ascent on the distance between each face's embeddings and its clean
 * embeddings, for every recogniser in the loss, in image pixels, under an L-infinity cap, over random
 * transformations, with the real publish path (round to 8 bits, encode, decode, re-extract the chips) in the
 * loop through a straight-through correction per crop, refreshed at every publish check.
 *
 * <p>A round is up to {@code steps} steps, then a publish check on the encoded bytes; a face stays active
 * while any member's published distance is short of its target (or a term wants more, or its SSIM is over
 * budget). Only the first member's distance decides whether a face may be published: under the fail bar
 * after the last round, the photo fails closed.
 *
 * <p>Not thread-safe: one instance per worker thread (it owns no native memory; each call works in sub-managers
 * of the manager passed in).
 */
public final class CloakOptimizer {

    /**
     * Measured on the published bytes.
     *
     * @param cleared whether the face may be published: its distance clears the fail bar and its SSIM the floor (always
     *                true in a result of {@link #cloak}, which throws instead; {@link #attempt} reports it)
     */
    public record FaceResult(Rectangle box, double distance, double ssim, boolean cleared) {}

    /**
     * @param composed    the cloaked pixels before encoding (a video or animation writer encodes these itself)
     * @param chipDeltas  per face, its perturbation in its own dlib chip's coordinates ({@code [3,S,S]}, 8-bit levels):
     *                    where the next frame's cloak of the same face starts ({@link WarmStart})
     */
    public record Result(byte[] encoded, BufferedImage published, List<FaceResult> faces, int rounds, int steps,
            BufferedImage composed, List<float[]> chipDeltas, List<java.awt.geom.Rectangle2D> otherFaces) {

        /** Whether every face may be published. */
        public boolean cleared() {
            return faces.stream().allMatch(FaceResult::cleared);
        }
    }

    /** Where PGD starts instead of random noise (a benchmark's warm start); null entries: random noise. */
    @FunctionalInterface
    public interface InitialGrid {
        /** Start values of face {@code face}'s {@code [3, warp.gridH, warp.gridW]} grid, or null. */
        float[] of(int face, ChipWarp warp, AffineTransform chipToImage);
    }

    /** Sees every publish check: what the steps estimated and what the published bytes measured (calibration). */
    @FunctionalInterface
    public interface CheckObserver {
        /**
         * @param estimates per face, the identity-sample distance of the round's last step that had one (NaN: none)
         * @param published per face, the first member's distance measured on the published bytes at this check
         */
        void checked(int round, int stepsSoFar, double[] estimates, double[] published);
    }

    /** A publish check's bytes, their decoded pixels, each member's distance per face and each crop's real chips. */
    private record Check(byte[] encoded, BufferedImage decoded, double[][] distances, Map<Crop, float[][]> real,
            BufferedImage composed, float[][] grids, List<java.awt.geom.Rectangle2D> others) {}

    private final List<Member> members;
    private final List<LossTerm> terms;
    private final Map<Member, String> featureNodes = new LinkedHashMap<>();
    private final List<Crop> crops = new ArrayList<>();
    private final NDManager manager;
    private final ChipExtractor extractor;
    private final Realigner realigner;
    private final Eot eot;
    private final AttackOptions options;
    private final GridStep gridStep;
    /**
     * Per face, the first member's distance of the last step's identity sample: the step computes it anyway, so it
     * estimates the published distance for free, one step late. NaN until such a step ran in the round.
     */
    private double[] estimates = new double[0];
    /** Which of the other members come next when steps take them in turn. */
    private int turn;

    /**
     * @param realigner when given, every publish check also measures each face at the alignment a scraper would
     *                  fit on the published pixels, and a face counts as protected only if both distances clear
     */
    CloakOptimizer(List<Member> members, List<LossTerm> terms, NDManager manager, ChipExtractor extractor, Realigner realigner,
            Eot eot, AttackOptions options) {
        this.members = List.copyOf(members);
        this.terms = List.copyOf(terms);
        this.manager = manager;
        this.extractor = extractor;
        this.realigner = realigner;
        this.eot = eot;
        this.options = options;
        this.gridStep = new GridStep(options.momentum(), options.tiSigma());
        for (Member m : members) {
            if (!crops.contains(m.recognizer().crop())) {
                crops.add(m.recognizer().crop());
            }
        }
        for (LossTerm t : terms) {
            if (t instanceof FeatureTerm f) {
                featureNodes.put(f.member(), f.node());
            }
        }
    }

    public Result cloak(BufferedImage image, List<Target> targets, CloakBudget budget, CloakEngine.ImageEncoder encoder, Random rng) {
        return cloak(image, targets, budget, encoder, rng, options.initialGrid());
    }

    /**
     * @param initial where each face's perturbation starts (a frame's cloak carried from the previous frame); null
     *                entries and a null {@code initial}: random noise
     */
    public Result cloak(BufferedImage image, List<Target> targets, CloakBudget budget, CloakEngine.ImageEncoder encoder, Random rng,
            InitialGrid initial) {
        return run(image, targets, budget, encoder, rng, initial, true);
    }

    /**
     * As {@link #cloak}, but a face that cannot be published does not throw: its {@link FaceResult#cleared} is false and
     * the caller decides (a frame's repair pass, or obscuring that face). The returned bytes must not be published
     * while any face is not cleared.
     */
    public Result attempt(BufferedImage image, List<Target> targets, CloakBudget budget, CloakEngine.ImageEncoder encoder,
            Random rng, InitialGrid initial) {
        return run(image, targets, budget, encoder, rng, initial, false);
    }

    private Result run(BufferedImage image, List<Target> targets, CloakBudget budget, CloakEngine.ImageEncoder encoder, Random rng,
            InitialGrid initial, boolean strict) {
        int n = targets.size();
        Photo photo = new Photo(image, targets, crops, encoder, manager, budget.epsilon(), options.cell(), options.momentum() > 0,
                extractor);
        for (Member m : members) {
            photo.setClean(m, m.recognizer().describe(photo.cleanChips(m.recognizer().crop())));
        }
        terms.forEach(t -> t.start(photo));
        photo.caps = Caps.initial(photo, budget, options);
        photo.initGrids(rng, initial);
        // the aligner anti-aliases, the differentiable warp samples: start from their known difference
        crops.forEach(c -> photo.updateCorrections(c, photo.cleanChips(c), true));

        double ssimFloor = options.adaptive() ? options.adaptiveMinSsim() : options.faceSsimTarget();
        double[] distance = new double[n];
        Check lastPublishable = null;
        double[] checkedSsim = new double[n]; // face SSIM measured at the last check (NaN: not measured there)
        boolean[] active = new boolean[n];
        Arrays.fill(active, true);
        estimates = new double[n];
        turn = 0;
        // the estimate is the first member's distance alone: other members, some terms and the adaptive caps keep
        // faces active for reasons it cannot see, so they keep the fixed step counts
        boolean earlyCheck = budget.earlyCheck() && members.size() == 1 && !options.adaptive()
                && terms.stream().allMatch(LossTerm::estimateSuffices);
        double checkAt = budget.targetDistance() + budget.checkMargin();
        Check check = null;
        int totalSteps = 0;
        int round = 0;
        while (round < budget.rounds()) {
            int steps = round == 0 ? budget.steps() : budget.retrySteps();
            int minSteps = round == 0 ? budget.minSteps() : 1; // a retry's first step already sees the new correction
            Arrays.fill(estimates, Double.NaN);
            for (int k = 0; k < steps; k++) {
                double alpha = round == 0 ? budget.epsilon() * Math.max(0.08, 0.4 * (1 - (double) k / steps)) : budget.epsilon() * 0.12;
                // with one sample per step, every other step sees a random transformation: half the cost of two
                boolean identityFirst = budget.eotSamples() > 1 || totalSteps % 2 == 0;
                terms.forEach(t -> t.beforeStep(photo));
                options.beforeStep().run();
                step(photo, active, alpha, budget.eotSamples(), identityFirst, rng);
                totalSteps++;
                if (earlyCheck && k + 1 >= minSteps && clears(estimates, active, checkAt)) {
                    break;
                }
            }
            round++;
            double[] estimated = estimates.clone();
            check = publishCheck(photo);
            boolean done = settle(photo, check, budget, ssimFloor, active, distance, checkedSsim);
            options.checkObserver().checked(round, totalSteps, estimated, distance.clone());
            if (allClear(distance, budget)) {
                // a later round (a shrunk cap, an unlucky JPEG) can end worse: this one's bytes stay publishable
                lastPublishable = check;
            }
            if (done) {
                break;
            }
            Map<Crop, float[][]> real = check.real();
            crops.forEach(c -> photo.updateCorrections(c, real.get(c), false));
        }
        if (!allClear(distance, budget) && lastPublishable != null) {
            check = lastPublishable;
            distance = lastPublishable.distances()[0];
            Arrays.fill(checkedSsim, Double.NaN);
        }
        return result(photo, check, distance, checkedSsim, targets, image, budget, round, totalSteps, strict);
    }

    /**
     * After a publish check: each face's distance (the leader's), whether it needs more steps (any member short of
     * its target, a term wanting more, or its SSIM over budget, which also shrinks its caps), its measured SSIM.
     *
     * @return whether every face is done
     */
    private boolean settle(Photo photo, Check check, CloakBudget budget, double ssimFloor, boolean[] active, double[] distance,
            double[] checkedSsim) {
        boolean done = true;
        Arrays.fill(checkedSsim, Double.NaN);
        List<boolean[]> wanted = new ArrayList<>();
        for (LossTerm t : terms) {
            boolean[] w = t.wantsMore(photo, check.decoded());
            if (w != null) {
                wanted.add(w);
            }
        }
        for (int f = 0; f < photo.size(); f++) {
            distance[f] = check.distances()[0][f];
            // a NaN distance is not "far enough": the face keeps its steps (and fails closed if it stays NaN)
            active[f] = !(distance[f] >= budget.targetDistance());
            for (int m = 1; m < members.size(); m++) {
                active[f] |= !(check.distances()[m][f] >= members.get(m).target());
            }
            for (boolean[] w : wanted) {
                active[f] |= w[f];
            }
            // the cap gives SSIM back only from a face already past its target: protection comes first
            if (photo.caps != null && ssimFloor > 0 && (options.adaptive() || distance[f] >= budget.targetDistance())) {
                checkedSsim[f] = Ssim.of(photo.image(), check.decoded(), photo.targets().get(f).box());
                if (checkedSsim[f] < ssimFloor) {
                    Caps.shrink(photo, f, checkedSsim[f], ssimFloor);
                    active[f] = true;
                }
            }
            done &= !active[f];
        }
        return done;
    }

    /** One signed gradient step on the grids of the active faces, through every recogniser's crop and the terms. */
    private void step(Photo photo, boolean[] active, double alpha, int samples, boolean identityFirst, Random rng) {
        List<Integer> faces = new ArrayList<>();
        for (int f = 0; f < active.length; f++) {
            if (active[f]) {
                faces.add(f);
            }
        }
        if (faces.isEmpty()) {
            return;
        }
        // DJL's GradientCollector is one per process (a static flag), so parallel workers use PyTorch's autograd
        // directly: grad mode is thread-local in PyTorch, each worker's graph is its own. Without the per-pass
        // sub-manager every step leaks its graph's native buffers.
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager pass = manager.newSubManager()) {
            JniUtils.setGradMode(true);
            NDList grids = new NDList();
            List<Member> stepping = membersForStep();
            List<Crop> stepCrops = new ArrayList<>();
            for (Crop c : crops) {
                if (stepping.stream().anyMatch(m -> m.recognizer().crop().equals(c))) {
                    stepCrops.add(c);
                }
            }
            Map<Crop, NDList> chips = new LinkedHashMap<>();
            stepCrops.forEach(c -> chips.put(c, new NDList()));
            NDArray[] deltas = new NDArray[photo.size()];
            for (int f : faces) {
                ChipWarp w = photo.primaryWarp(f);
                NDArray grid = pass.create(photo.grids[f], new Shape(3, w.gridH, w.gridW));
                grid.setRequiresGradient(true);
                grids.add(grid);
                NDArray base = pass.create(photo.base(f), new Shape(3, w.region.height, w.region.width));
                NDArray region = base.add(w.upsample(grid, pass)).clip(0, 255);
                deltas[f] = region.sub(base);
                for (Crop c : stepCrops) {
                    NDArray chip = photo.warp(c, f).warp(region, pass)
                            .add(pass.create(photo.correction(c, f), new Shape(3, Photo.S, Photo.S)));
                    chips.get(c).add(chip.expandDims(0));
                }
            }
            // one draw of random transformations per crop, in crop order (the random stream is part of the result)
            Map<Crop, NDArray> transformed = new LinkedHashMap<>();
            for (Crop c : stepCrops) {
                NDList batch = chips.get(c);
                transformed.put(c, eot.apply(batch.size() == 1 ? batch.head() : NDArrays.concat(batch, 0), samples, identityFirst, rng, pass));
            }
            Map<Member, NDList> outputs = new LinkedHashMap<>();
            for (Member m : stepping) {
                NDArray x = transformed.get(m.recognizer().crop());
                String node = featureNodes.get(m);
                outputs.put(m, node != null ? m.recognizer().forward(x, node) : new NDList(m.recognizer().forward(x)));
            }
            StepPass step = new StepPass(pass, photo, faces, samples, outputs, deltas);
            NDArray loss = null;
            for (LossTerm t : terms) {
                NDArray l = t.loss(step);
                if (l != null) {
                    loss = loss == null ? l : loss.add(l);
                }
            }
            JniUtils.backward((PtNDArray) loss, (PtNDArray) pass.ones(loss.getShape()), false, false);
            if (identityFirst) {
                recordEstimates(photo, step.embeddings(members.get(0)), faces, samples);
            }
            for (int i = 0; i < faces.size(); i++) {
                gridStep.apply(photo, faces.get(i), grids.get(i).getGradient().toFloatArray(), alpha);
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** The first member and, when the options say so, the next {@code othersPerStep} of the others in turn. */
    private List<Member> membersForStep() {
        int others = members.size() - 1;
        if (options.othersPerStep() <= 0 || options.othersPerStep() >= others) {
            return members;
        }
        List<Member> stepping = new ArrayList<>(List.of(members.get(0)));
        for (int i = 0; i < options.othersPerStep(); i++) {
            stepping.add(members.get(1 + (turn++ % others)));
        }
        return stepping;
    }

    /**
     * Composes, encodes and decodes the photo, and measures every member's distance per face on those bytes: the
     * closest of the face's own alignment and every alignment the realigner finds on the published pixels.
     */
    private Check publishCheck(Photo photo) {
        BufferedImage composed = photo.compose();
        byte[] encoded = photo.encoder().encode(composed);
        BufferedImage decoded = Composer.decode(encoded);
        List<Target> targets = photo.targets();
        int n = targets.size();
        Realigner.Realigned found = realigner == null ? null : realigner.realignAll(decoded, new ArrayList<>(photo.boxes()));
        List<List<float[]>> refit = found == null ? null : found.alignments();
        Map<Crop, float[][]> real = new LinkedHashMap<>();
        Map<Crop, float[][]> chips = new LinkedHashMap<>(); // per crop: the n own-alignment chips, then every re-fitted one
        List<Integer> owner = new ArrayList<>(); // face of each re-fitted chip, in order
        for (Crop c : crops) {
            List<float[]> all = new ArrayList<>();
            for (int f = 0; f < n; f++) {
                all.add(extractor.extract(decoded, targets.get(f).chipToImage(c)));
            }
            for (int f = 0; refit != null && f < n; f++) {
                for (float[] points : refit.get(f)) {
                    all.add(extractor.extract(decoded, c.chipToImage(points)));
                    if (c == crops.get(0)) {
                        owner.add(f);
                    }
                }
            }
            float[][] flat = all.toArray(new float[0][]);
            real.put(c, Arrays.copyOfRange(flat, 0, n));
            chips.put(c, flat);
        }
        double[][] distances = new double[members.size()][n];
        for (int m = 0; m < members.size(); m++) {
            Member member = members.get(m);
            // one pass for every alignment: a pass at batch 2n costs little more than at batch n (PassCostBenchmark)
            float[][] desc = member.recognizer().describe(chips.get(member.recognizer().crop()));
            float[][] clean = photo.clean(member);
            for (int f = 0; f < n; f++) {
                distances[m][f] = member.recognizer().distance(desc[f], clean[f]);
            }
            for (int i = 0; i < owner.size(); i++) {
                int f = owner.get(i);
                distances[m][f] = Math.min(distances[m][f], member.recognizer().distance(desc[n + i], clean[f]));
            }
        }
        float[][] grids = new float[n][];
        for (int f = 0; f < n; f++) {
            grids[f] = photo.grids[f].clone();
        }
        return new Check(encoded, decoded, distances, real, composed, grids, found == null ? List.of() : found.others());
    }

    /** Package-private so that its fail-closed checks can be tested without running an attack. */
    static Result result(Photo photo, Check check, double[] distance, double[] checkedSsim, List<Target> targets,
            BufferedImage image, CloakBudget budget, int rounds, int steps) {
        return result(photo, check, distance, checkedSsim, targets, image, budget, rounds, steps, true);
    }

    /** @param strict throw for the first face that may not be published; otherwise mark it not cleared */
    private static Result result(Photo photo, Check check, double[] distance, double[] checkedSsim, List<Target> targets,
            BufferedImage image, CloakBudget budget, int rounds, int steps, boolean strict) {
        List<FaceResult> results = new ArrayList<>();
        for (int f = 0; f < targets.size(); f++) {
            Rectangle box = targets.get(f).box();
            if (!budget.clearsFailBar(distance[f])) {
                CloakFailedException short_ = new CloakFailedException(String.format(
                        "face at %d,%d %dx%d is still %.3f from its original after %d rounds (needs %.2f)",
                        box.x, box.y, box.width, box.height, distance[f], rounds, budget.failDistance()));
                if (strict) {
                    throw short_;
                }
                results.add(new FaceResult(box, distance[f], Double.NaN, false));
                continue;
            }
            double ssim = Double.isNaN(checkedSsim[f]) ? Ssim.of(image, check.decoded(), box) : checkedSsim[f];
            if (!(ssim >= budget.minFaceSsim())) {
                // the cap makes this impossible unless something broke: fail closed rather than publish it
                if (strict) {
                    throw new CloakFailedException(String.format(
                            "face at %d,%d %dx%d came out with SSIM %.3f, under the floor %.2f", box.x, box.y, box.width, box.height,
                            ssim, budget.minFaceSsim()));
                }
                results.add(new FaceResult(box, distance[f], ssim, false));
                continue;
            }
            results.add(new FaceResult(box, distance[f], ssim, true));
        }
        List<float[]> chipDeltas = new ArrayList<>();
        for (int f = 0; f < targets.size(); f++) {
            chipDeltas.add(WarmStart.toChip(check.grids()[f], photo.primaryWarp(f), targets.get(f).chipToImage()));
        }
        return new Result(check.encoded(), check.decoded(), results, rounds, steps, check.composed(), chipDeltas, check.others());
    }

    /** Whether every face's published distance clears the budget's fail bar. */
    private static boolean allClear(double[] distance, CloakBudget budget) {
        for (double d : distance) {
            if (!budget.clearsFailBar(d)) {
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

    /** Per stepped face, the first member's distance of the identity sample (sample 0). */
    private void recordEstimates(Photo photo, NDArray emb, List<Integer> faces, int samples) {
        float[] e = emb.toFloatArray();
        Member first = members.get(0);
        float[][] clean = photo.clean(first);
        int d = clean[0].length;
        for (int i = 0; i < faces.size(); i++) {
            estimates[faces.get(i)] = first.recognizer().distance(Arrays.copyOfRange(e, i * samples * d, i * samples * d + d),
                    clean[faces.get(i)]);
        }
    }

    /** Decodes published bytes (the receipt's checks and tests read them back the same way). */
    public static BufferedImage decode(byte[] encoded) {
        return Composer.decode(encoded);
    }
}
