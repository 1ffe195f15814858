package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaCodec;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaHeader;
import javax.imageio.ImageIO;
import org.springframework.stereotype.Component;

/**
 * Animated WebP: the RIFF structure walked without decoding to probe, each frame's chunks decoded as a still WebP by
 * ImageIO (TwelveMonkeys) and composited as browsers show them, the public copy assembled here from lossy stills that
 * FFmpeg's libwebp encoder makes. See docs/media.md.
 */
@Component
class WebpCodec implements MediaCodec {

    static {
        // As for stills: no temp files for untrusted input, whichever decoder class loads first.
        ImageIO.setUseCache(false);
    }

    @Override
    public boolean reads(MediaFormat format) {
        return format == MediaFormat.WEBP;
    }

    /** Null for an animated WebP of one frame: the still path publishes it as before. */
    @Override
    public MediaHeader probe(byte[] bytes, MediaFormat format) {
        if (format != MediaFormat.WEBP) {
            throw new IllegalArgumentException(format + " is not an animation this codec reads");
        }
        MediaHeader header = WebpStructure.read(bytes).header();
        return header.frames() > 1 ? header : null;
    }

    @Override
    public FrameReader open(byte[] bytes, MediaHeader header) {
        return Decoding.guarded(header.format().mediaType(), () -> WebpFrameReader.of(bytes, header));
    }

    /** The transparency of the upload decides whether the copy may have transparent pixels at all. */
    @Override
    public FrameWriter writer(byte[] original, MediaHeader header, boolean markDataMiningProhibited) {
        return new WebpFrameWriter(header, WebpStructure.read(original).transparent(), markDataMiningProhibited);
    }
}
