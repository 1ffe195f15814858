package dev.dntme.gateway.cloak;

import java.awt.image.BufferedImage;

/**
 * Puts an adversarial cloak on every face of a photo that is about to be published.
 *
 * <p>Fails closed: when the models are not loaded it throws {@link CloakUnavailableException}, and
 * when a face cannot be protected within the budget it throws {@link CloakFailedException}. It never
 * hands back an image with an unprotected face as if it were cloaked.
 */
public interface CloakEngine {

    /**
     * Cloaks all detected faces and encodes the result with {@code encoder}; the receipt is measured
     * on the encoded bytes (what the public bucket will hold), not on in-memory pixels.
     *
     * @param image   the decoded, orientation-corrected photo (TYPE_INT_RGB or TYPE_3BYTE_BGR)
     * @param strength budget level
     * @param encoder  the same encoder the publish step uses
     */
    CloakedImage cloak(BufferedImage image, CloakStrength strength, ImageEncoder encoder);

    /**
     * As {@link #cloak(BufferedImage, CloakStrength, ImageEncoder)}; with {@code lastTry} (the photo's fallback level), a
     * face its level cannot protect gets the repair pass and is then obscured or fails the photo closed, as the
     * service's hard-face setting says; the receipt names every obscured face.
     */
    default CloakedImage cloak(BufferedImage image, CloakStrength strength, ImageEncoder encoder, boolean lastTry) {
        return cloak(image, strength, encoder);
    }

    /**
     * Cloaks the frames of an animation or video in order, on one worker: faces are found in every frame and tracked
     * from frame to frame, and each face's cloak starts from where the previous frame's ended (in the face's own
     * aligned coordinates), so later frames cost a few steps. Each frame is measured on {@code frameEncoder}'s bytes
     * while it is made; the finished file must still pass {@link #verifyFrames}.
     *
     * @param frameEncoder one frame encoded as the published file will hold it ({@link ImageEncoder})
     * @param sink         receives every frame, cloaked or (no face) unchanged, in order
     * @throws CloakFailedException      a face in some frame cannot be protected: publish nothing
     * @throws CloakUnavailableException the engine is not ready or busy: try again later
     */
    default CloakedFrames cloakFrames(FrameSource frames, CloakStrength strength, ImageEncoder frameEncoder, FrameSink sink,
            FrameListener listener) {
        throw new CloakUnavailableException("this cloak engine cannot cloak animations or videos");
    }

    /**
     * The check of the finished file: every frame of {@code published} (decoded from the bytes that will be public) is
     * measured against the same frame of {@code originals}, at every face the cloak pass cloaked and at every face the
     * detector finds in the published frame. Any face under the strength's fail bar fails the whole file.
     *
     * @return the receipt, with {@link ProtectionReceipt.Frames} measured on the published frames
     * @throws CloakFailedException a published frame shows a face that is not protected
     */
    default ProtectionReceipt verifyFrames(CloakedFrames cloaked, CloakStrength strength, FrameSource originals,
            FrameSource published, FrameListener listener) {
        throw new CloakUnavailableException("this cloak engine cannot check animations or videos");
    }

    /** True once every model is loaded and warmed up. */
    boolean isReady();

    /**
     * Identifies the model sets of every level together (one name for the admin re-cloak job and the health details);
     * when every level stamps the same version, that version.
     */
    String modelVersion();

    /** The version a copy made at this level carries on its receipt; a re-cloak renews copies of any other. */
    default String modelVersion(CloakStrength strength) {
        return modelVersion();
    }

    /** Every level's current version: a flagged copy with none of these is outdated. */
    default java.util.Set<String> modelVersions() {
        return java.util.Set.of(modelVersion());
    }

    /** Whether a still at this level is cloaked within the upload request, or by a background job. */
    default boolean inRequest(CloakStrength strength) {
        return true;
    }

    /** What one frame of an animation or video costs at this level, in seconds (the level's {@code frame-seconds}). */
    default double frameSeconds(CloakStrength strength) {
        return 0.5;
    }

    /** Encodes pixels exactly as publishing will. */
    @FunctionalInterface
    interface ImageEncoder {
        byte[] encode(BufferedImage image);
    }
}
