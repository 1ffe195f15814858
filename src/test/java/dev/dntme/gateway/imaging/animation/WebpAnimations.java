package dev.dntme.gateway.imaging.animation;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Animated WebPs assembled here chunk by chunk, with any frame rectangle, blend, dispose and delay, from lossy stills
 * of FFmpeg's libwebp. Public for the hostile corpus.
 */
public final class WebpAnimations {

    private WebpAnimations() {
    }

    /** The codec as Spring makes it, for tests outside this package. */
    public static dev.dntme.gateway.imaging.media.MediaCodec codec() {
        return new WebpCodec();
    }

    /**
     * One ANMF frame.
     *
     * @param blend   alpha-blend over the canvas (else replace)
     * @param dispose clear the rectangle to transparent after the frame
     */
    public record Frame(BufferedImage image, int x, int y, int delayMs, boolean blend, boolean dispose) {

        public static Frame full(BufferedImage image, int delayMs) {
            return new Frame(image, 0, 0, delayMs, false, false);
        }
    }

    /** Full-canvas frames, no blend, no dispose. */
    public static byte[] of(List<BufferedImage> images, int[] delaysMs, int loops) {
        return of(images.get(0).getWidth(), images.get(0).getHeight(), loops,
                java.util.stream.IntStream.range(0, images.size()).mapToObj(i -> Frame.full(images.get(i), delaysMs[i])).toList());
    }

    public static byte[] of(int width, int height, int loops, List<Frame> frames) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean alpha = frames.stream().anyMatch(f -> f.image().getColorModel().hasAlpha());
        ByteArrayOutputStream vp8x = new ByteArrayOutputStream();
        vp8x.write(WebpStructure.FLAG_ANIMATION | (alpha ? WebpStructure.FLAG_ALPHA : 0));
        vp8x.writeBytes(new byte[3]);
        Riff.writeLe24(vp8x, width - 1);
        Riff.writeLe24(vp8x, height - 1);
        Riff.chunk(body, "VP8X", vp8x.toByteArray());
        ByteArrayOutputStream anim = new ByteArrayOutputStream();
        Riff.writeLe32(anim, 0xFFFFFFFF); // white, as libwebp writes it: browsers ignore it
        anim.write(loops);
        anim.write(loops >>> 8);
        Riff.chunk(body, "ANIM", anim.toByteArray());
        for (Frame f : frames) {
            Riff.chunk(body, "ANMF", anmf(f));
        }
        return Riff.webp(body);
    }

    /** An ANMF payload: header, then the ALPH and VP8 chunks of a libwebp still of the frame's image. */
    static byte[] anmf(Frame f) {
        BufferedImage image = f.image();
        byte[] still;
        try (WebpEncoder encoder = new WebpEncoder(image.getWidth(), image.getHeight(), image.getColorModel().hasAlpha())) {
            still = encoder.encode(image);
        }
        WebpFrameWriter.Chunks chunks = WebpFrameWriter.Chunks.of(still);
        ByteArrayOutputStream anmf = new ByteArrayOutputStream();
        Riff.writeLe24(anmf, f.x() / 2);
        Riff.writeLe24(anmf, f.y() / 2);
        Riff.writeLe24(anmf, image.getWidth() - 1);
        Riff.writeLe24(anmf, image.getHeight() - 1);
        Riff.writeLe24(anmf, f.delayMs());
        anmf.write((f.blend() ? 0 : WebpStructure.ANMF_NO_BLEND) | (f.dispose() ? WebpStructure.ANMF_DISPOSE_BACKGROUND : 0));
        if (chunks.alphaOffset() >= 0) {
            anmf.write(still, chunks.alphaOffset(), chunks.alphaSpan());
        }
        anmf.write(still, chunks.bitstreamOffset(), chunks.bitstreamSpan());
        return anmf.toByteArray();
    }

    /** {@code count} frames of 2x2 pixels, each shown {@code delayMs}: tiny bytes, a huge frame count. */
    public static byte[] tinyFrames(int count, int delayMs) {
        BufferedImage dot = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        dot.setRGB(0, 0, 0xFF0000);
        byte[] frame = anmf(Frame.full(dot, delayMs));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] head = of(2, 2, 0, List.of(Frame.full(dot, delayMs)));
        int firstAnmf = WebpAnimations.chunkOffset(head, "ANMF");
        body.write(head, 12, firstAnmf - 12);
        for (int i = 0; i < count; i++) {
            Riff.chunk(body, "ANMF", frame);
        }
        return Riff.webp(body);
    }

    /** Offset of the first top-level chunk with this FourCC (its header), or -1. */
    public static int chunkOffset(byte[] webp, String fourCc) {
        for (int at = 12; at + 8 <= webp.length; at += (int) Riff.span(Riff.readLe32(webp, at + 4))) {
            if (Riff.fourCc(webp, at).equals(fourCc)) {
                return at;
            }
        }
        return -1;
    }

    /** The same bytes with the first ANMF's size increased by {@code extra}, the RIFF size left as it was. */
    public static byte[] withLyingAnmfSize(byte[] webp, int extra) {
        byte[] lying = webp.clone();
        int at = chunkOffset(webp, "ANMF") + 4;
        long size = Riff.readLe32(lying, at) + extra;
        for (int i = 0; i < 4; i++) {
            lying[at + i] = (byte) (size >>> (8 * i));
        }
        return lying;
    }
}
