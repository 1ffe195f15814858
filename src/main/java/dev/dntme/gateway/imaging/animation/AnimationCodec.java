package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaCodec;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaHeader;
import javax.imageio.ImageIO;
import org.springframework.stereotype.Component;

/**
 * Animated GIF and APNG, in pure Java: headers read by walking blocks and chunks (no pixel is decoded to probe),
 * frames decoded by ImageIO and composited as browsers show them, the public copy written in the same format.
 * See docs/media.md.
 */
@Component
class AnimationCodec implements MediaCodec {

    static {
        // As for stills: no temp files for untrusted input, whichever decoder class loads first.
        ImageIO.setUseCache(false);
    }

    @Override
    public boolean reads(MediaFormat format) {
        return format == MediaFormat.GIF || format == MediaFormat.APNG;
    }

    /** Null for a GIF or APNG of one frame: the still path publishes it as before. */
    @Override
    public MediaHeader probe(byte[] bytes, MediaFormat format) {
        MediaHeader header = switch (format) {
            case GIF -> GifStructure.read(bytes).header();
            case APNG -> ApngStructure.read(bytes).header();
            default -> throw new IllegalArgumentException(format + " is not an animation this codec reads");
        };
        return header.frames() > 1 ? header : null;
    }

    @Override
    public FrameReader open(byte[] bytes, MediaHeader header) {
        return Decoding.guarded(header.format().mediaType(), () -> header.format() == MediaFormat.GIF
                ? new GifFrameReader(bytes, header) : ApngFrameReader.of(bytes, header));
    }

    /** The transparency of the upload decides whether the copy may have transparent pixels at all. */
    @Override
    public FrameWriter writer(byte[] original, MediaHeader header, boolean markDataMiningProhibited) {
        return header.format() == MediaFormat.GIF
                ? new GifFrameWriter(header, GifStructure.read(original).transparent(), markDataMiningProhibited)
                : new ApngFrameWriter(header, ApngStructure.read(original).outline.transparent(), markDataMiningProhibited);
    }
}
