package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.MediaHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays an animated WebP frame by frame: each ANMF's image chunks become a still WebP ({@link WebpStill}), drawn on
 * the canvas at the frame's offset as the WebP container specification and browsers do: alpha-blended over the
 * canvas or replacing it, and the rectangle cleared to transparent after the frame when it disposes to the background
 * (browsers ignore the ANIM background colour, as they do GIF's).
 */
final class WebpFrameReader extends StillFramesReader<WebpStructure.Frame> {

    private final byte[] bytes;

    private WebpFrameReader(byte[] bytes, MediaHeader header, Outline outline, List<WebpStructure.Frame> frames) {
        super("WebP", header, frames, outline.canvas());
        this.bytes = bytes;
    }

    static WebpFrameReader of(byte[] bytes, MediaHeader header) {
        List<WebpStructure.Frame> frames = new ArrayList<>();
        Outline outline = WebpStructure.read(bytes, frames::add);
        return new WebpFrameReader(bytes, header, outline, frames);
    }

    @Override
    byte[] still(WebpStructure.Frame f) {
        return WebpStill.of(f.width(), f.height(), bytes, f.alphaOffset(), f.alphaSpan(), f.bitstreamOffset(),
                f.bitstreamSpan());
    }

    @Override
    boolean blendsOver(WebpStructure.Frame f) {
        return f.blend();
    }

    @Override
    Runnable disposal(WebpStructure.Frame f, Canvas canvas) {
        return f.disposeToBackground() ? () -> canvas.clear(f.x(), f.y(), f.width(), f.height()) : () -> { };
    }
}
