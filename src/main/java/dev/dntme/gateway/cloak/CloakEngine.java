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

    /** True once every model is loaded and warmed up. */
    boolean isReady();

    /** Identifies the cloak model set; receipts carry it so that an upgrade can find old cloaks. */
    String modelVersion();

    /** Encodes pixels exactly as publishing will. */
    @FunctionalInterface
    interface ImageEncoder {
        byte[] encode(BufferedImage image);
    }
}
