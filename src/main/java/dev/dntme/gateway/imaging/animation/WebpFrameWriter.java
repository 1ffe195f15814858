package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.PublicEncoder;
import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the public animated WebP from pixels alone: every frame the whole canvas at 0,0 (no blend, no dispose),
 * encoded as a lossy still by {@link WebpEncoder} whose image chunks (ALPH and VP8) go into the frame's ANMF
 * unchanged; the upload's loop count and each frame's display time are kept. VP8X carries the animation flag, the
 * alpha flag when the animation has transparency and the XMP flag with an XMP chunk of the "data mining prohibited"
 * mark for flagged uploads. Nothing else: no ICC profile, EXIF or XMP of the upload.
 */
final class WebpFrameWriter implements FrameWriter {

    /** ANMF durations are 24 bits of milliseconds. */
    private static final int MAX_MILLIS = 0xFFFFFF;

    private final MediaHeader header;
    private final boolean alpha;
    private final boolean mark;
    private final WebpEncoder encoder;
    private final ByteArrayOutputStream frames = new ByteArrayOutputStream();
    private int count;
    private boolean closed;

    WebpFrameWriter(MediaHeader header, boolean alpha, boolean markDataMiningProhibited) {
        this.header = header;
        this.alpha = alpha;
        this.mark = markDataMiningProhibited;
        this.encoder = new WebpEncoder(header.width(), header.height(), alpha);
    }

    /** The still {@link WebpFrameReader} rebuilds from this frame's ANMF in the finished file, byte for byte. */
    @Override
    public byte[] encodeStill(BufferedImage frame) {
        byte[] still = encoder.encode(frame);
        Chunks chunks = Chunks.of(still);
        return WebpStill.of(header.width(), header.height(), still, chunks.alphaOffset, chunks.alphaSpan,
                chunks.bitstreamOffset, chunks.bitstreamSpan);
    }

    @Override
    public void write(MediaFrame frame) {
        byte[] still = encoder.encode(frame.pixels());
        Chunks chunks = Chunks.of(still);
        ByteArrayOutputStream anmf = new ByteArrayOutputStream(16 + chunks.alphaSpan + chunks.bitstreamSpan);
        Riff.writeLe24(anmf, 0);
        Riff.writeLe24(anmf, 0);
        Riff.writeLe24(anmf, header.width() - 1);
        Riff.writeLe24(anmf, header.height() - 1);
        Riff.writeLe24(anmf, (int) Math.min(MAX_MILLIS, (frame.durationMicros() + 500) / 1000));
        anmf.write(WebpStructure.ANMF_NO_BLEND);
        if (chunks.alphaOffset >= 0) {
            anmf.write(still, chunks.alphaOffset, chunks.alphaSpan);
        }
        anmf.write(still, chunks.bitstreamOffset, chunks.bitstreamSpan);
        Riff.chunk(frames, "ANMF", anmf.toByteArray());
        count++;
    }

    @Override
    public byte[] finish() {
        try {
            if (count == 0) {
                throw new IllegalStateException("no frame was written");
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(frames.size() + 1024);
            ByteArrayOutputStream vp8x = new ByteArrayOutputStream(10);
            vp8x.write(WebpStructure.FLAG_ANIMATION | (alpha ? WebpStructure.FLAG_ALPHA : 0)
                    | (mark ? WebpStructure.FLAG_XMP : 0));
            vp8x.writeBytes(new byte[3]);
            Riff.writeLe24(vp8x, header.width() - 1);
            Riff.writeLe24(vp8x, header.height() - 1);
            Riff.chunk(body, "VP8X", vp8x.toByteArray());
            ByteArrayOutputStream anim = new ByteArrayOutputStream(6);
            Riff.writeLe32(anim, 0); // background: transparent black, which is what browsers clear to anyway
            anim.write(header.loopCount());
            anim.write(header.loopCount() >>> 8);
            Riff.chunk(body, "ANIM", anim.toByteArray());
            body.writeBytes(frames.toByteArray());
            if (mark) {
                // the container specification's place for XMP: after the frames
                Riff.chunk(body, "XMP ", PublicEncoder.xmpPacket().getBytes(StandardCharsets.UTF_8));
            }
            return Riff.webp(body);
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        frames.reset();
        encoder.close();
    }

    /** Where libwebp put the image chunks in its still: a simple file (VP8 alone) or VP8X, ALPH, VP8. */
    record Chunks(int alphaOffset, int alphaSpan, int bitstreamOffset, int bitstreamSpan) {

        static Chunks of(byte[] still) {
            int alphaOffset = -1;
            int alphaSpan = 0;
            for (int at = 12; at + 8 <= still.length; ) {
                String type = Riff.fourCc(still, at);
                int span = (int) Riff.span(Riff.readLe32(still, at + 4));
                if (type.equals("ALPH")) {
                    alphaOffset = at;
                    alphaSpan = span;
                } else if (type.equals("VP8 ") || type.equals("VP8L")) {
                    return new Chunks(alphaOffset, alphaSpan, at, span);
                }
                at += span;
            }
            throw new IllegalStateException("libwebp wrote a WebP without a bitstream chunk");
        }
    }
}
