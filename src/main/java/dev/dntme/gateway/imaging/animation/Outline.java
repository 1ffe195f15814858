package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaHeader;

/**
 * What a walk of an animation's structure learns without decoding a pixel, alike for GIF, APNG and WebP.
 *
 * @param loopCount    plays: 0 = forever
 * @param frames       frames the file holds
 * @param transparent  the canvas can show through: an alpha channel or transparent colour, or a frame that leaves
 *                     part of the canvas uncovered
 * @param timing       the frames' effective display times
 */
record Outline(MediaFormat format, int width, int height, int loopCount, int frames, boolean transparent, Timing timing) {

    MediaHeader header() {
        return timing.header(format, width, height, loopCount);
    }

    /** The canvas a player composes this animation's frames on. */
    Canvas canvas() {
        return new Canvas(width, height, transparent);
    }
}
