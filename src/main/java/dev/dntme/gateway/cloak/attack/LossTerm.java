package dev.dntme.gateway.cloak.attack;

import ai.djl.ndarray.NDArray;
import java.awt.image.BufferedImage;

/**
 * One part of what a step minimises. The optimiser adds the terms' losses and back-propagates the sum to the
 * faces' grids; a term sees the step's recogniser outputs through {@link StepPass}.
 */
interface LossTerm {

    /** Called once per photo, before the first step, with the clean faces. */
    default void start(Photo photo) {}

    /** A scalar to minimise, in {@code pass.manager()}, with its graph back to the grids; null: nothing this step. */
    NDArray loss(StepPass pass);

    /** Runs before each step with the photo as it would be published now (a term's own publish correction). */
    default void beforeStep(Photo photo) {}

    /** At a publish check: per face, whether this term still wants steps (null: no opinion). */
    default boolean[] wantsMore(Photo photo, BufferedImage published) {
        return null;
    }

    /** Whether the steps' free distance estimate still predicts when a face is done with this term on. */
    default boolean estimateSuffices() {
        return true;
    }
}
