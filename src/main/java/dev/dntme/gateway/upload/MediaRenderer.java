package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.CloakStrength;

/**
 * Makes the public copy of an animation or a video from its stored original: the media job's work, off the request
 * path. Fails closed like stills: a flagged medium with any frame that cannot be protected throws
 * {@link dev.dntme.gateway.cloak.CloakFailedException} and nothing is returned.
 */
interface MediaRenderer {

    /**
     * @param progress told after each frame; it throws {@link java.util.concurrent.CancellationException} when the job
     *                 must stop (the image was erased, the lease was lost), which the renderer lets through
     * @throws dev.dntme.gateway.system.ApiException a client error found part-way (corrupt data)
     * @throws dev.dntme.gateway.cloak.CloakUnavailableException the engine is not ready or busy: try again later
     */
    RenderedMedia render(byte[] original, boolean dntMe, CloakStrength strength, FrameProgress progress);

    @FunctionalInterface
    interface FrameProgress {
        void framesDone(int done, int total);
    }
}
