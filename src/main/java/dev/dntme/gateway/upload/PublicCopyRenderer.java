package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.CloakEngine;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.CloakUnavailableException;
import dev.dntme.gateway.cloak.CloakedImage;
import dev.dntme.gateway.imaging.DecodedImage;
import dev.dntme.gateway.imaging.ImageFormat.PublicFormat;
import dev.dntme.gateway.imaging.PublicEncoder;
import org.springframework.stereotype.Component;

/**
 * Makes the public copy: clean (metadata stripped) for unflagged photos, cloaked for flagged ones. For a
 * flagged photo there is no path that returns clean pixels: an engine that is not ready or fails
 * throws, and the caller publishes nothing.
 */
@Component
class PublicCopyRenderer {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PublicCopyRenderer.class);

    private final CloakEngine cloak;
    private final PublicEncoder encoder;
    private final UploadMetrics metrics;
    private final UploadProperties properties;

    PublicCopyRenderer(CloakEngine cloak, PublicEncoder encoder, UploadMetrics metrics, UploadProperties properties) {
        this.cloak = cloak;
        this.encoder = encoder;
        this.metrics = metrics;
        this.properties = properties;
    }

    /**
     * A flagged still at a level too slow for the request: its copy is made by a background job. While the engine is not
     * ready the upload is refused (503) as in the request path, rather than accepted for a job that cannot run.
     */
    boolean inBackground(boolean dntMe, CloakStrength strength) {
        if (!dntMe || cloak.inRequest(strength)) {
            return false;
        }
        if (!cloak.isReady()) {
            throw new CloakUnavailableException("cloak engine not ready");
        }
        return true;
    }

    /** What a frame of an animation or video costs at this level (the level choice of media: UploadProperties.mediaLevel). */
    double frameSeconds(CloakStrength strength) {
        return cloak.frameSeconds(strength);
    }

    PublicCopy render(DecodedImage image, boolean dntMe, CloakStrength strength) {
        PublicFormat format = image.format().publicFormat();
        if (!dntMe) {
            return new PublicCopy(encoder.encode(image.pixels(), format, false), format, 0, null);
        }
        if (!cloak.isReady()) {
            throw new CloakUnavailableException("cloak engine not ready");
        }
        CloakedImage cloaked;
        try {
            cloaked = cloak(image, format, strength, properties.lastTry(strength));
        } catch (CloakFailedException failed) {
            // a face the level cannot protect within its budget and SSIM floor: the fallback level's cloak is verified on
            // the published bytes like any other, and the receipt names it; without a fallback the upload is rejected
            CloakStrength fallback = properties.fallbackFor(strength).orElseThrow(() -> failed);
            log.info("cloak at {} failed closed ({}); trying {}", strength, failed.getMessage(), fallback);
            metrics.outcome("fallback", strength.name().toLowerCase(java.util.Locale.ROOT));
            cloaked = cloak(image, format, fallback, true);
        }
        return new PublicCopy(cloaked.encoded(), format, cloaked.receipt().faces().size(), cloaked.receipt());
    }

    /** @param lastTry no other level follows: a face no cloak can protect is obscured or rejected (CloakEngine) */
    private CloakedImage cloak(DecodedImage image, PublicFormat format, CloakStrength strength, boolean lastTry) {
        long start = System.nanoTime();
        CloakedImage cloaked = cloak.cloak(image.rgb(), strength,
                pixels -> encoder.encode(image.withOriginalAlpha(pixels), format, true), lastTry);
        metrics.cloaked(strength.name().toLowerCase(java.util.Locale.ROOT),
                java.time.Duration.ofNanos(System.nanoTime() - start), cloaked.receipt().faces().size());
        return cloaked;
    }
}
