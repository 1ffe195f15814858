package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The first-stage term: pushes the SSD detector's scores on the cloaked faces down, with a straight-through
 * correction from the photo as it would be published before every step; a face the SSD still finds in the
 * published bytes keeps getting steps (within the rounds). Failing closed does not depend on it.
 */
final class DetectorLoss implements LossTerm {

    private final DetectorTerm detector;
    private final double weight;
    private DetectorTerm.Photo prepared;

    DetectorLoss(DetectorTerm detector, double weight) {
        this.detector = detector;
        this.weight = weight;
    }

    @Override
    public void start(Photo photo) {
        List<Rectangle> regions = new ArrayList<>();
        for (int f = 0; f < photo.size(); f++) {
            regions.add(photo.region(f));
        }
        prepared = detector.prepare(photo.image(), regions, photo.boxes());
    }

    @Override
    public void beforeStep(Photo photo) {
        BufferedImage now = Composer.decode(photo.encoder().encode(photo.compose()));
        try (NDManager pass = photo.manager().newSubManager()) {
            NDArray[] deltas = new NDArray[photo.size()];
            for (int f = 0; f < photo.size(); f++) {
                deltas[f] = photo.delta(f, pass);
            }
            detector.correct(prepared, now, deltas, pass);
        }
    }

    @Override
    public NDArray loss(StepPass pass) {
        NDArray[] deltas = new NDArray[pass.photo().size()];
        for (int f = 0; f < deltas.length; f++) {
            // a face already done still has its perturbation in the photo the detector sees
            deltas[f] = pass.delta(f) != null ? pass.delta(f) : pass.photo().delta(f, pass.manager());
        }
        return detector.loss(prepared, deltas, pass.manager()).mul((float) weight);
    }

    @Override
    public boolean[] wantsMore(Photo photo, BufferedImage published) {
        return detector.detected(published, photo.boxes());
    }

    @Override
    public boolean estimateSuffices() {
        return false;
    }
}
