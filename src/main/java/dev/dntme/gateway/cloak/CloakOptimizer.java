package dev.dntme.gateway.cloak;

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
final class CloakOptimizer {

    /** Extracts a 150x150 CHW RGB 0..255 chip the way the recogniser being defeated would. */
    @FunctionalInterface
    interface ChipExtractor {
        float[] extract(BufferedImage image, AffineTransform chipToImage);
    }

    /**
     * Re-fits each face's alignment on the published pixels, as a scraper's pipeline would (its
     * landmarks see the cloaked face, not the original one).
     */
    @FunctionalInterface
    interface Realigner {
        List<AffineTransform> realign(BufferedImage published, List<java.awt.geom.Rectangle2D> boxes);
    }

    /** A face to cloak: where its chip comes from and its box for the receipt. */
    record Target(AffineTransform chipToImage, Rectangle box) {}

    /** Measured on the published bytes. */
    record FaceResult(Rectangle box, double distance, double ssim) {}

    record Result(byte[] encoded, BufferedImage published, List<FaceResult> faces, int rounds, int steps) {}

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

    CloakOptimizer(FaceRecognitionNet net, NDManager manager, ChipExtractor extractor, Eot eot, double cellInChipPixels) {
        this(net, manager, extractor, null, eot, cellInChipPixels);
    }

    /**
     * @param realigner when given, every publish check also measures each face at the alignment a
     *                  scraper would fit on the published pixels, and a face counts as protected only
     *                  if both distances clear the bar (the receipt gets the smaller one)
     */
    CloakOptimizer(FaceRecognitionNet net, NDManager manager, ChipExtractor extractor, Realigner realigner, Eot eot,
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
    CloakOptimizer withEnsemble(TfjsGraphRecognizer model, double matchThreshold, double extraTarget) {
        this.extra = model;
        this.dlibThreshold = matchThreshold;
        this.extraTarget = extraTarget;
        return this;
    }

    private double dlibThreshold = 0.6;
    /** Optional mid-level feature term of the extra model: node and weight (relative L2 change of the map). */
    private String featureNode;
    private double featureWeight;

    CloakOptimizer withFeatureLoss(String node, double weight) {
        this.featureNode = node;
        this.featureWeight = weight;
        return this;
    }

    Result cloak(BufferedImage image, List<Target> targets, CloakBudget budget, CloakEngine.ImageEncoder encoder, Random rng) {
        int n = targets.size();
        List<ChipWarp> warps = new ArrayList<>();
        List<float[]> bases = new ArrayList<>();
        float[][] clean = new float[n][];
        for (int f = 0; f < n; f++) {
            ChipWarp w = new ChipWarp(targets.get(f).chipToImage(), image.getWidth(), image.getHeight(), cellInChipPixels);
            warps.add(w);
            bases.add(w.readRegion(image));
            clean[f] = extractor.extract(image, targets.get(f).chipToImage());
        }
        float[][] cleanDesc = net.describe(clean);
        float[][] cleanExtra = extra == null ? null : extra.describe(clean);
        float[][] cleanFeatures = extra == null || featureNode == null ? null : extra.features(featureNode, clean);

        float eps = budget.epsilon();
        float[][] grids = new float[n][];
        float[][] corrections = new float[n][3 * S * S];
        for (int f = 0; f < n; f++) {
            // PGD from random noise: at d = 0 the gradient of ||f(x+d) - f(x)||^2 is exactly zero
            grids[f] = new float[3 * warps.get(f).gridH * warps.get(f).gridW];
            for (int i = 0; i < grids[f].length; i++) {
                grids[f][i] = (float) ((rng.nextDouble() * 2 - 1) * eps);
            }
        }

        // the aligner anti-aliases, the differentiable warp samples: start from their known difference
        updateCorrections(warps, bases, grids, clean, corrections, true);

        double[] distance = new double[n];
        boolean[] active = new boolean[n];
        java.util.Arrays.fill(active, true);
        byte[] encoded = null;
        BufferedImage published = null;
        int totalSteps = 0;
        int round = 0;
        while (round < budget.rounds()) {
            int steps = round == 0 ? budget.steps() : budget.retrySteps();
            for (int k = 0; k < steps; k++) {
                double alpha = round == 0
                        ? eps * Math.max(0.08, 0.4 * (1 - (double) k / steps))
                        : eps * 0.12;
                // With one sample per step, every other step sees a random transformation, so the cloak still
                // learns to survive resizes, shifts and blur at half the cost of two samples.
                boolean identityFirst = budget.eotSamples() > 1 || totalSteps % 2 == 0;
                step(warps, bases, grids, corrections, cleanDesc, cleanExtra, cleanFeatures, active, alpha, eps, budget.eotSamples(),
                        identityFirst, rng);
                totalSteps++;
            }
            round++;

            published = compose(image, warps, grids, eps);
            encoded = encoder.encode(published);
            BufferedImage decoded = decode(encoded);
            float[][] real = new float[n][];
            for (int f = 0; f < n; f++) {
                real[f] = extractor.extract(decoded, targets.get(f).chipToImage());
            }
            float[][] realDesc = net.describe(real);
            float[][] rescanChips = rescanChips(decoded, targets);
            float[][] rescanDesc = rescanChips == null ? null : net.describe(rescanChips);
            float[][] realExtra = extra == null ? null : extra.describe(real);
            float[][] rescanExtra = extra == null || rescanChips == null ? null : extra.describe(rescanChips);
            boolean done = true;
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
                done &= !active[f];
            }
            published = decoded;
            if (done) {
                break;
            }
            updateCorrections(warps, bases, grids, real, corrections, false);
        }

        List<FaceResult> results = new ArrayList<>();
        for (int f = 0; f < n; f++) {
            Rectangle box = targets.get(f).box();
            if (distance[f] < budget.failDistance()) {
                throw new CloakFailedException(String.format(
                        "face at %d,%d %dx%d is still %.3f from its original after %d rounds (needs %.2f)",
                        box.x, box.y, box.width, box.height, distance[f], round, budget.failDistance()));
            }
            double ssim = Ssim.of(image, published, box);
            if (!(ssim >= budget.minFaceSsim())) {
                // the cap makes this impossible unless something broke: fail closed rather than publish it
                throw new CloakFailedException(String.format(
                        "face at %d,%d %dx%d came out with SSIM %.3f, under the floor %.2f", box.x, box.y, box.width, box.height, ssim, budget.minFaceSsim()));
            }
            results.add(new FaceResult(box, distance[f], ssim));
        }
        return new Result(encoded, published, results, round, totalSteps);
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

    private void step(List<ChipWarp> warps, List<float[]> bases, float[][] grids, float[][] corrections,
            float[][] cleanDesc, float[][] cleanExtra, float[][] cleanFeatures, boolean[] active, double alpha, float eps, int samples, boolean identityFirst,
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
            float[] targets = new float[faces.size() * FaceRecognitionNet.DESCRIPTOR_SIZE];
            for (int i = 0; i < faces.size(); i++) {
                int f = faces.get(i);
                ChipWarp w = warps.get(f);
                NDArray grid = pass.create(grids[f], new Shape(3, w.gridH, w.gridW));
                grid.setRequiresGradient(true);
                gridArrays.add(grid);
                NDArray base = pass.create(bases.get(f), new Shape(3, w.region.height, w.region.width));
                NDArray region = base.add(w.upsample(grid, pass)).clip(0, 255);
                NDArray chip = w.warp(region, pass).add(pass.create(corrections[f], new Shape(3, S, S)));
                chips.add(chip.expandDims(0));
                System.arraycopy(cleanDesc[f], 0, targets, i * FaceRecognitionNet.DESCRIPTOR_SIZE, FaceRecognitionNet.DESCRIPTOR_SIZE);
            }
            NDArray batch = chips.size() == 1 ? chips.head() : NDArrays.concat(chips, 0);
            NDArray transformed = eot.apply(batch, samples, identityFirst, rng, pass);
            NDArray emb = net.forward(transformed).reshape(faces.size(), samples, FaceRecognitionNet.DESCRIPTOR_SIZE);
            NDArray e0 = pass.create(targets, new Shape(faces.size(), 1, FaceRecognitionNet.DESCRIPTOR_SIZE));
            NDArray loss;
            if (extra == null) {
                // ascent on the squared distance == descent on its negative
                loss = emb.sub(e0).square().sum().div(-samples);
            } else {
                int dx = cleanExtra[0].length;
                float[] xTargets = new float[faces.size() * dx];
                for (int i = 0; i < faces.size(); i++) {
                    System.arraycopy(cleanExtra[faces.get(i)], 0, xTargets, i * dx, dx);
                }
                List<NDArray> outX = extra.forward(transformed, cleanFeatures == null ? null : featureNode);
                NDArray embX = outX.get(0).reshape(faces.size(), samples, dx);
                NDArray x0 = pass.create(xTargets, new Shape(faces.size(), 1, dx));
                // sum of each model's distance over its own threshold (1e-8 keeps sqrt's gradient finite at 0)
                NDArray dDlib = emb.sub(e0).square().sum(new int[] {2}).add(1e-8f).sqrt().div((float) dlibThreshold);
                NDArray dExtra = embX.sub(x0).square().sum(new int[] {2}).add(1e-8f).sqrt()
                        .div((float) extra.spec().threshold());
                NDArray total = dDlib.add(dExtra);
                if (cleanFeatures != null) {
                    int k = cleanFeatures[0].length;
                    float[] f0 = new float[faces.size() * k];
                    float[] norms = new float[faces.size()];
                    for (int i = 0; i < faces.size(); i++) {
                        float[] c = cleanFeatures[faces.get(i)];
                        System.arraycopy(c, 0, f0, i * k, k);
                        double sq = 0;
                        for (float v : c) {
                            sq += v * v;
                        }
                        norms[i] = (float) Math.sqrt(sq + 1e-12);
                    }
                    NDArray feat = outX.get(1).reshape(faces.size(), samples, k);
                    NDArray change = feat.sub(pass.create(f0, new Shape(faces.size(), 1, k))).square().sum(new int[] {2})
                            .add(1e-8f).sqrt().div(pass.create(norms, new Shape(faces.size(), 1)));
                    total = total.add(change.mul((float) featureWeight));
                }
                loss = total.sum().div(-samples);
            }
            JniUtils.backward((PtNDArray) loss, (PtNDArray) pass.ones(loss.getShape()), false, false);
            for (int i = 0; i < faces.size(); i++) {
                int f = faces.get(i);
                float[] g = gridArrays.get(i).getGradient().toFloatArray();
                float[] d = grids[f];
                for (int j = 0; j < d.length; j++) {
                    // a non-finite gradient must never reach the pixels: Math.round(NaN) is 0, a black face
                    float v = Float.isFinite(g[j]) ? d[j] - (float) (alpha * Math.signum(g[j])) : d[j];
                    d[j] = Math.max(-eps, Math.min(eps, v));
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
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
        try (NDManager pass = manager.newSubManager()) {
            for (int f = 0; f < warps.size(); f++) {
                ChipWarp w = warps.get(f);
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
            delta[i] = Math.max(-eps, Math.min(eps, delta[i])); // overlapping faces share one budget
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

    static BufferedImage decode(byte[] encoded) {
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
