package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.CloakEngine;
import dev.dntme.gateway.cloak.recognition.Crop;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One call's state: the faces being cloaked, their perturbation grids and caps, and per crop the warps from
 * the face's region to its chip with their straight-through publish corrections. Every crop of a face reads
 * one region and one grid (the first crop's), so all recognisers see the same perturbation.
 */
final class Photo {

    static final int S = dev.dntme.gateway.cloak.nets.FaceRecognitionNet.CHIP_SIZE;

    private final BufferedImage image;
    private final List<Target> targets;
    private final CloakEngine.ImageEncoder encoder;
    private final NDManager manager;
    private final float eps;
    /** Crops in the order their recognisers first appear: the first one's warps own the grids. */
    private final Map<Crop, List<ChipWarp>> warps = new LinkedHashMap<>();
    private final Map<Crop, float[][]> cleanChips = new HashMap<>();
    private final Map<Crop, float[][]> corrections = new HashMap<>();
    private final Map<Member, float[][]> clean = new HashMap<>();
    private final List<float[]> bases = new ArrayList<>();
    final float[][] grids;
    /** Per face, its caps on its grid (null: the uniform eps everywhere). */
    float[][] caps;
    final float[][] velocity;

    Photo(BufferedImage image, List<Target> targets, List<Crop> crops, CloakEngine.ImageEncoder encoder, NDManager manager,
            float eps, double cell, boolean momentum, ChipExtractor extractor) {
        this.image = image;
        this.targets = targets;
        this.encoder = encoder;
        this.manager = manager;
        this.eps = eps;
        int n = targets.size();
        for (Crop c : crops) {
            warps.put(c, new ArrayList<>());
            cleanChips.put(c, new float[n][]);
            corrections.put(c, new float[n][3 * S * S]);
        }
        for (int f = 0; f < n; f++) {
            Target t = targets.get(f);
            Rectangle region = null;
            for (Crop c : crops) {
                Rectangle r = ChipWarp.regionOf(t.chipToImage(c), image.getWidth(), image.getHeight());
                region = region == null ? r : region.union(r);
            }
            for (Crop c : crops) {
                warps.get(c).add(new ChipWarp(t.chipToImage(c), region, cell));
                cleanChips.get(c)[f] = extractor.extract(image, t.chipToImage(c));
            }
            bases.add(primaryWarp(f).readRegion(image));
        }
        grids = new float[n][];
        velocity = momentum ? new float[n][] : null;
    }

    /** Start values: random noise inside the caps (the gradient of the distance is zero at no perturbation). */
    void initGrids(Random rng, CloakOptimizer.InitialGrid initial) {
        for (int f = 0; f < size(); f++) {
            ChipWarp w = primaryWarp(f);
            grids[f] = new float[3 * w.gridH * w.gridW];
            if (velocity != null) {
                velocity[f] = new float[grids[f].length];
            }
            float[] start = initial == null ? null : initial.of(f, w, targets.get(f).chipToImage());
            for (int i = 0; i < grids[f].length; i++) {
                float cap = cap(f, i);
                grids[f][i] = start != null ? Math.max(-cap, Math.min(cap, start[i])) : (float) ((rng.nextDouble() * 2 - 1) * cap);
            }
        }
    }

    void setClean(Member member, float[][] embeddings) {
        clean.put(member, embeddings);
    }

    float[][] clean(Member member) {
        return clean.get(member);
    }

    float[][] cleanChips(Crop crop) {
        return cleanChips.get(crop);
    }

    Iterable<Crop> crops() {
        return warps.keySet();
    }

    int size() {
        return targets.size();
    }

    BufferedImage image() {
        return image;
    }

    List<Target> targets() {
        return targets;
    }

    List<Rectangle> boxes() {
        List<Rectangle> boxes = new ArrayList<>();
        targets.forEach(t -> boxes.add(t.box()));
        return boxes;
    }

    CloakEngine.ImageEncoder encoder() {
        return encoder;
    }

    NDManager manager() {
        return manager;
    }

    float eps() {
        return eps;
    }

    ChipWarp primaryWarp(int face) {
        return warps.values().iterator().next().get(face);
    }

    ChipWarp warp(Crop crop, int face) {
        return warps.get(crop).get(face);
    }

    Rectangle region(int face) {
        return primaryWarp(face).region;
    }

    float[] base(int face) {
        return bases.get(face);
    }

    float[] correction(Crop crop, int face) {
        return corrections.get(crop)[face];
    }

    /** The cap of grid entry {@code i} of face {@code f}. */
    float cap(int f, int i) {
        return caps == null ? eps : caps[f][i % caps[f].length];
    }

    /** The face's perturbed region as a graph from {@code grid} (gradient flows to it). */
    NDArray region(int face, NDArray grid, NDManager m) {
        ChipWarp w = primaryWarp(face);
        NDArray base = m.create(bases.get(face), new Shape(3, w.region.height, w.region.width));
        return base.add(w.upsample(grid, m)).clip(0, 255);
    }

    /** The face's perturbed region minus the clean one, from its current grid (no gradient). */
    NDArray delta(int face, NDManager m) {
        ChipWarp w = primaryWarp(face);
        NDArray base = m.create(bases.get(face), new Shape(3, w.region.height, w.region.width));
        return base.add(w.upsample(m.create(grids[face], new Shape(3, w.gridH, w.gridW)), m)).clip(0, 255).sub(base);
    }

    /** The photo with every face's current perturbation, rounded to 8 bits. */
    BufferedImage compose() {
        return Composer.compose(this);
    }

    /**
     * Straight-through correction of {@code crop}: the real published chips minus the differentiable model's
     * chips (of the clean regions when {@code clean}: the aligner anti-aliases, the warp samples).
     */
    void updateCorrections(Crop crop, float[][] real, boolean cleanRegions) {
        try (NDManager pass = manager.newSubManager()) {
            for (int f = 0; f < size(); f++) {
                ChipWarp w = primaryWarp(f);
                NDArray base = pass.create(bases.get(f), new Shape(3, w.region.height, w.region.width));
                if (!cleanRegions) {
                    base = base.add(w.upsample(pass.create(grids[f], new Shape(3, w.gridH, w.gridW)), pass)).clip(0, 255);
                }
                float[] model = warp(crop, f).warp(base, pass).toFloatArray();
                float[] c = corrections.get(crop)[f];
                for (int i = 0; i < model.length; i++) {
                    c[i] = real[f][i] - model[i];
                }
            }
        }
    }
}
