package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.CloakEngine;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.CloakUnavailableException;
import dev.dntme.gateway.cloak.CloakedFrames;
import dev.dntme.gateway.cloak.FrameSource;
import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaCodecs;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.awt.image.BufferedImage;
import org.springframework.stereotype.Component;

/**
 * The public copy of an animation or video, frame by frame: decode, cloak each frame (the cloak carried from frame to
 * frame), encode with the real encoder, then decode the finished file and check every frame of it against its
 * original. Only a file that passed that check is returned; unflagged media are re-encoded from pixels alone, which
 * drops every metadata of the upload.
 */
@Component
class FrameByFrameRenderer implements MediaRenderer {

    private final MediaCodecs codecs;
    private final CloakEngine cloak;
    private final MediaMetrics metrics;

    FrameByFrameRenderer(MediaCodecs codecs, CloakEngine cloak, MediaMetrics metrics) {
        this.codecs = codecs;
        this.cloak = cloak;
        this.metrics = metrics;
    }

    @Override
    public RenderedMedia render(byte[] original, boolean dntMe, CloakStrength strength, FrameProgress progress) {
        MediaHeader header = codecs.probe(original).orElseThrow(() -> new ApiException(Problem.CORRUPT_IMAGE,
                "The stored original is no longer an animation or video"));
        MediaFormat published = header.format().publicFormat();
        if (!dntMe) {
            return new RenderedMedia(reencode(original, header, progress), published.mediaType(), published.extension(),
                    header.frames(), 0, null);
        }
        if (!cloak.isReady()) {
            throw new CloakUnavailableException("cloak engine not ready");
        }
        byte[] file;
        CloakedFrames pass;
        try (FrameReader reader = codecs.open(original, header); FrameWriter writer = codecs.writer(original, header, true);
                FramePipeline pipeline = new FramePipeline(reader, writer)) {
            pass = cloak.cloakFrames(pipeline.source(Frames::rgb), strength,
                    pixels -> writer.encodeStill(withAlpha(pixels, pipeline.current())),
                    (index, cloaked) -> pipeline.write(withAlpha(cloaked, pipeline.current())),
                    (index, faces, warm, took) -> {
                        if (faces > 0) {
                            metrics.frameCloaked(!warm, took);
                        }
                        progress.framesDone(index + 1, Math.max(index + 1, header.frames()));
                    });
            pipeline.drain();
            file = writer.finish();
        }
        MediaHeader publishedHeader = codecs.publishedHeader(file);
        ProtectionReceipt receipt;
        try (FrameReader originals = codecs.open(original, header); FrameReader shown = codecs.open(file, publishedHeader)) {
            receipt = cloak.verifyFrames(pass, strength, new Frames(originals), new Frames(shown), (index, faces, warm, took) -> { });
        }
        return new RenderedMedia(file, published.mediaType(), published.extension(), pass.frames(), pass.maxFaces(), receipt);
    }

    private byte[] reencode(byte[] original, MediaHeader header, FrameProgress progress) {
        try (FrameReader reader = codecs.open(original, header); FrameWriter writer = codecs.writer(original, header, false)) {
            MediaFrame frame;
            int done = 0;
            while ((frame = reader.next()) != null) {
                writer.write(frame);
                progress.framesDone(++done, header.frames());
            }
            return writer.finish();
        }
    }

    /** A reader's frames as the cloak reads them (colour only), remembering the current one to put its alpha back. */
    private static final class Frames implements FrameSource {
        private final FrameReader reader;
        MediaFrame current;

        Frames(FrameReader reader) {
            this.reader = reader;
        }

        @Override
        public BufferedImage next() {
            current = reader.next();
            return current == null ? null : rgb(current.pixels());
        }

        static BufferedImage rgb(BufferedImage pixels) {
            if (pixels.getType() == BufferedImage.TYPE_INT_RGB) {
                return pixels;
            }
            int w = pixels.getWidth();
            int h = pixels.getHeight();
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            out.setRGB(0, 0, w, h, pixels.getRGB(0, 0, w, h, null, 0, w), 0, w);
            return out;
        }
    }

    /** The frame's transparency on cloaked colour pixels (opaque frames: the pixels as they are). */
    private static BufferedImage withAlpha(BufferedImage rgb, MediaFrame frame) {
        BufferedImage source = frame.pixels();
        if (source.getType() != BufferedImage.TYPE_INT_ARGB) {
            return rgb;
        }
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int[] colour = rgb.getRGB(0, 0, w, h, null, 0, w);
        int[] alpha = source.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < colour.length; i++) {
            colour[i] = (alpha[i] & 0xFF000000) | (colour[i] & 0x00FFFFFF);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        out.setRGB(0, 0, w, h, colour, 0, w);
        return out;
    }
}
