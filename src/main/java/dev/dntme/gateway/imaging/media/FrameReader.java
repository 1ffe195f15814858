package dev.dntme.gateway.imaging.media;

import java.io.Closeable;

/**
 * Decodes an animation or a video one frame at a time, in display order, so that a long clip never needs all its
 * frames in memory. Not thread-safe. Throws {@link dev.dntme.gateway.system.ApiException} (corrupt-image) when the
 * data turns out broken part-way, and refuses to decode more frames than its header declared.
 */
public interface FrameReader extends Closeable {

    MediaHeader header();

    /** The next frame, or null after the last one. */
    MediaFrame next();

    @Override
    void close();
}
