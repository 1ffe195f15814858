package dev.dntme.gateway.imaging.media;

import java.awt.image.BufferedImage;

/**
 * One decoded frame, as a viewer sees it: the full canvas after the previous frames' disposal and this frame's
 * blending (animations), or the full picture after rotation (video).
 *
 * @param index           0-based display order
 * @param pixels          TYPE_INT_RGB, or TYPE_INT_ARGB when the animation has transparency
 * @param timestampMicros presentation time from the start
 * @param durationMicros  how long it is shown
 */
public record MediaFrame(int index, BufferedImage pixels, long timestampMicros, long durationMicros) {

    /** The same frame with other pixels of the same size (the cloaked frame). */
    public MediaFrame withPixels(BufferedImage other) {
        if (other.getWidth() != pixels.getWidth() || other.getHeight() != pixels.getHeight()) {
            throw new IllegalArgumentException("a frame keeps its size");
        }
        return new MediaFrame(index, other, timestampMicros, durationMicros);
    }
}
