package dev.dntme.gateway.imaging.animation;

import java.io.ByteArrayOutputStream;

/**
 * A frame of an animated WebP as a still WebP of its own, which ImageIO (TwelveMonkeys) decodes: the frame's chunks
 * copied as they are, behind a VP8X chunk of the frame's size when an ALPH chunk comes with a lossy bitstream (the
 * still format's rule), else a simple RIFF/WEBP around the one bitstream chunk. The reader and the writer both build
 * stills here, so that the writer's {@code encodeStill} and the reader's frame are the same bytes.
 */
final class WebpStill {

    private WebpStill() {
    }

    /**
     * @param alphaOffset the ALPH chunk's header in {@code source}, or -1
     * @param alphaSpan   its length with header and padding
     */
    static byte[] of(int width, int height, byte[] source, int alphaOffset, int alphaSpan, int bitstreamOffset,
            int bitstreamSpan) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(alphaSpan + bitstreamSpan + 18);
        if (alphaOffset >= 0) {
            ByteArrayOutputStream vp8x = new ByteArrayOutputStream(10);
            vp8x.write(WebpStructure.FLAG_ALPHA);
            vp8x.writeBytes(new byte[3]);
            Riff.writeLe24(vp8x, width - 1);
            Riff.writeLe24(vp8x, height - 1);
            Riff.chunk(body, "VP8X", vp8x.toByteArray());
            body.write(source, alphaOffset, alphaSpan);
        }
        body.write(source, bitstreamOffset, bitstreamSpan);
        return Riff.webp(body);
    }
}
