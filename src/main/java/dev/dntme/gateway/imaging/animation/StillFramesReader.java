package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Plays an animation whose frames are stored as images of their own (APNG, animated WebP): each frame is made a
 * standalone still that ImageIO decodes, then drawn on the canvas at its offset, blended over it or replacing it, and
 * what it leaves behind is applied before the next frame is drawn. The formats differ only in those three steps.
 */
abstract class StillFramesReader<F extends StillFramesReader.SubFrame> implements FrameReader {

    /** A frame's rectangle on the canvas and its effective display time. */
    interface SubFrame {
        int x();

        int y();

        int width();

        int height();

        long durationMicros();
    }

    private final String format;
    private final MediaHeader header;
    private final List<F> frames;
    private final Canvas canvas;
    private int index;
    private long timestamp;
    private Runnable pendingDisposal = () -> { };

    StillFramesReader(String format, MediaHeader header, List<F> frames, Canvas canvas) {
        this.format = format;
        this.header = header;
        this.frames = frames;
        this.canvas = canvas;
    }

    /** The frame as a still file of its own. */
    abstract byte[] still(F frame);

    /** Whether the frame is alpha-blended over the canvas (else it replaces its rectangle). */
    abstract boolean blendsOver(F frame);

    /** What the frame leaves behind, run on the canvas just before the next frame is drawn. */
    abstract Runnable disposal(F frame, Canvas canvas);

    @Override
    public final MediaHeader header() {
        return header;
    }

    @Override
    public final MediaFrame next() {
        if (index >= header.frames()) {
            if (frames.size() > header.frames()) {
                throw Corrupt.because("The " + format + " holds more frames than the " + header.frames() + " its header declares");
            }
            return null;
        }
        if (index >= frames.size()) {
            throw Corrupt.because("The " + format + " holds " + frames.size() + " frames where its header declares "
                    + header.frames());
        }
        return Decoding.guarded(format + " frame " + (index + 1), this::decodeNext);
    }

    private MediaFrame decodeNext() {
        F f = frames.get(index);
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(still(f)));
        } catch (IOException e) {
            image = null;
        }
        if (image == null || image.getWidth() != f.width() || image.getHeight() != f.height()) {
            throw Corrupt.because("Frame " + (index + 1) + " of the " + format + " could not be decoded");
        }
        pendingDisposal.run();
        pendingDisposal = disposal(f, canvas);
        int[] pixels = image.getRGB(0, 0, f.width(), f.height(), null, 0, f.width());
        if (blendsOver(f)) {
            canvas.drawOver(f.x(), f.y(), f.width(), f.height(), pixels);
        } else {
            canvas.put(f.x(), f.y(), f.width(), f.height(), pixels);
        }
        MediaFrame frame = new MediaFrame(index, canvas.snapshot(), timestamp, f.durationMicros());
        timestamp += f.durationMicros();
        index++;
        return frame;
    }

    @Override
    public final void close() {
        frames.clear();
    }
}
