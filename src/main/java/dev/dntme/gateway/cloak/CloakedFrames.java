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

    /** Frames whose cloak started from the previous frame's (the same faces, tracked). */
    int warmFrames();
}
