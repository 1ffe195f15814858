package dev.dntme.gateway.imaging.media;

import java.awt.image.BufferedImage;
import java.io.Closeable;

/**
 * Encodes the public copy of an animation or a video, frame by frame, without any metadata of the upload (audio of a
 * video is copied through unchanged). Not thread-safe.
 */
public interface FrameWriter extends Closeable {

    /**
     * One frame encoded alone as the published file will hold it, as bytes {@link javax.imageio.ImageIO} decodes:
     * exact for palette and lossless formats (the same quantisation the file gets), the same codec at the same
     * quality for lossy ones. The cloak measures each frame on these bytes while it works; the final check reads the
     * finished file.
     */
    byte[] encodeStill(BufferedImage frame);

    /**
     * Whether {@link #encodeStill} may run on one thread while {@link #write} runs on another (their encoders share no
     * state); the calls of each stay on one thread at a time.
     */
    default boolean stillsWhileWriting() {
        return false;
    }

    /** Appends a frame (same size as the header's canvas, the frame's own timing). */
    void write(MediaFrame frame);

    /** Finishes the file and returns it; the writer is closed afterwards. */
    byte[] finish();

    @Override
    void close();
}
