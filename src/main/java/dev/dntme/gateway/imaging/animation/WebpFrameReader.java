package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Plays an animated WebP frame by frame: each ANMF's image chunks become a still WebP ({@link WebpStill}) that
 * ImageIO decodes, which is then drawn on the canvas at the frame's offset as the WebP container specification and
 * browsers do: alpha-blended over the canvas or replacing it, and the rectangle cleared to transparent after the
 * frame when it disposes to the background (browsers ignore the ANIM background colour, as they do GIF's).
 */
final class WebpFrameReader implements FrameReader {

    private final byte[] bytes;
    private final MediaHeader header;
    private final List<WebpStructure.Frame> frames = new ArrayList<>();
    private final Canvas canvas;
    private int index;
    private long timestamp;
    private Runnable pendingDisposal = () -> { };

    WebpFrameReader(byte[] bytes, MediaHeader header) {
        this.bytes = bytes;
        this.header = header;
        WebpStructure structure = WebpStructure.read(bytes, frames::add);
        this.canvas = new Canvas(structure.width, structure.height, structure.transparent);
    }

    @Override
    public MediaHeader header() {
        return header;
    }

    @Override
    public MediaFrame next() {
        if (index >= header.frames()) {
            if (frames.size() > header.frames()) {
                throw Corrupt.because("The WebP holds more frames than the " + header.frames() + " its header declares");
            }
            return null;
        }
        if (index >= frames.size()) {
            throw Corrupt.because("The WebP holds " + frames.size() + " frames where its header declares " + header.frames());
        }
        return Decoding.guarded("WebP frame " + (index + 1), this::decodeNext);
    }

    private MediaFrame decodeNext() {
        WebpStructure.Frame f = frames.get(index);
        byte[] still = WebpStill.of(f.width(), f.height(), bytes, f.alphaOffset(), f.alphaSpan(), f.bitstreamOffset(),
                f.bitstreamSpan());
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(still));
        } catch (IOException e) {
            throw Corrupt.because("Frame " + (index + 1) + " of the WebP could not be decoded");
        }
        if (image == null || image.getWidth() != f.width() || image.getHeight() != f.height()) {
            throw Corrupt.because("Frame " + (index + 1) + " of the WebP could not be decoded");
        }
        pendingDisposal.run();
        int x = f.x();
        int y = f.y();
        int w = f.width();
        int h = f.height();
        pendingDisposal = f.disposeToBackground() ? () -> canvas.clear(x, y, w, h) : () -> { };
        int[] pixels = image.getRGB(0, 0, w, h, null, 0, w);
        if (f.blend()) {
            canvas.drawOver(x, y, w, h, pixels);
        } else {
            canvas.put(x, y, w, h, pixels);
        }
        MediaFrame frame = new MediaFrame(index, canvas.snapshot(), timestamp, f.durationMicros());
        timestamp += f.durationMicros();
        index++;
        return frame;
    }

    @Override
    public void close() {
        frames.clear();
    }
}
