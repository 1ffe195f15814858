package dev.dntme.gateway.cloak;

/**
 * What the cloak pass over an animation or video did, kept for {@link CloakEngine#verifyFrames}: where it cloaked
 * each face in each frame, so that the check of the published file measures those faces too, not only the ones the
 * detector finds again.
 */
public interface CloakedFrames {

    int frames();

    int framesWithFaces();

    /** The most faces cloaked in one frame. */
    int maxFaces();

    /** Frames whose cloak started from the previous frame's and needed a few steps (the same faces, tracked). */
    int warmFrames();

    /** Frames whose faces' carried cloaks cleared the bar on their check alone: no steps. */
    default int carriedFrames() {
        return 0;
    }

    /** Frames in which a face needed the repair pass (a fresh start at the next level up). */
    default int repairedFrames() {
        return 0;
    }

    /** Faces, counted once per frame, that were obscured because no cloak could protect them. */
    default int obscuredFaces() {
        return 0;
    }
}
