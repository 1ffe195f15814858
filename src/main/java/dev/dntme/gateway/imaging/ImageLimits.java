package dev.dntme.gateway.imaging;

import dev.dntme.gateway.imaging.media.MediaHeader;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import org.springframework.stereotype.Component;

/** The one checker for untrusted image input; every check runs before a pixel is decoded. */
@Component
public class ImageLimits {

    private final ImagingProperties properties;

    ImageLimits(ImagingProperties properties) {
        this.properties = properties;
    }

    public void checkBytes(long size) {
        if (size == 0) {
            throw new ApiException(Problem.CORRUPT_IMAGE, "The file is empty");
        }
        if (size > properties.maxBytes().toBytes()) {
            throw new ApiException(Problem.PAYLOAD_TOO_LARGE,
                    "The file has " + size + " bytes; the limit is " + properties.maxBytes().toBytes());
        }
    }

    void checkDimensions(int width, int height) {
        if (width < 1 || height < 1 || width > properties.maxDimension() || height > properties.maxDimension()) {
            throw new ApiException(Problem.IMAGE_DIMENSIONS, "The image is " + width + "x" + height
                    + "; each side must be between 1 and " + properties.maxDimension() + " pixels");
        }
        if ((long) width * height > properties.maxPixels()) {
            throw new ApiException(Problem.IMAGE_TOO_LARGE, "The image has " + ((long) width * height)
                    + " pixels; the limit is " + properties.maxPixels());
        }
    }

    /**
     * An animation's or video's declared size and timing, before any frame is decoded: 422 media-limits for too many
     * frames, too long, too fast, too many pixels per frame, per second or in all, or an absurd frame delay.
     */
    public void checkMedia(MediaHeader h) {
        ImagingProperties.Media m = properties.media();
        checkDimensions(h.width(), h.height());
        if (h.frames() < 1) {
            throw new ApiException(Problem.CORRUPT_IMAGE, "The " + h.format().mediaType() + " declares no frames");
        }
        refuseIf(h.frames() > m.maxFrames(), h, h.frames() + " frames; the limit is " + m.maxFrames());
        refuseIf(h.durationMillis() > m.maxDuration().toMillis(), h,
                "a play time of " + h.durationMillis() + " ms; the limit is " + m.maxDuration().toMillis() + " ms");
        refuseIf(h.framesPerSecond() > m.maxFrameRate(), h,
                String.format(java.util.Locale.ROOT, "%.1f frames per second; the limit is %.1f", h.framesPerSecond(), m.maxFrameRate()));
        refuseIf(h.pixelsPerFrame() > m.maxFramePixels(), h,
                h.pixelsPerFrame() + " pixels per frame; the limit is " + m.maxFramePixels());
        double perSecond = h.pixelsPerFrame() * h.framesPerSecond();
        refuseIf(perSecond > m.maxPixelsPerSecond(), h,
                String.format(java.util.Locale.ROOT, "%.0f pixels per second; the limit is %d", perSecond, m.maxPixelsPerSecond()));
        refuseIf(h.pixelsPerFrame() * h.frames() > m.maxTotalPixels(), h,
                (h.pixelsPerFrame() * h.frames()) + " pixels in all frames; the limit is " + m.maxTotalPixels());
        refuseIf(h.maxFrameMillis() > m.maxFrameDelay().toMillis(), h,
                "a frame shown for " + h.maxFrameMillis() + " ms; the limit is " + m.maxFrameDelay().toMillis() + " ms");
    }

    private static void refuseIf(boolean over, MediaHeader h, String what) {
        if (over) {
            throw new ApiException(Problem.MEDIA_LIMITS, "The " + h.format().mediaType() + " declares " + what);
        }
    }

    public ImagingProperties.Media media() {
        return properties.media();
    }

    public long maxBytes() {
        return properties.maxBytes().toBytes();
    }
}
