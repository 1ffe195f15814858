package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.MediaFormat;
import java.util.function.Consumer;

/**
 * An animated WebP's RIFF structure, walked without decoding a pixel: {@code VP8X} (canvas, flags), {@code ANIM}
 * (loop count) and every {@code ANMF} with the {@code ALPH} and {@code VP8 }/{@code VP8L} chunks it holds.
 *
 * <p>Refused as corrupt: a RIFF size that disagrees with the file's length, a chunk that runs past its container,
 * no {@code ANIM} before the first frame, a frame rectangle outside the canvas, a frame without a bitstream or whose
 * bitstream declares another size than its {@code ANMF}, an {@code ALPH} chunk with a lossless bitstream, and image
 * chunks outside any frame (an animated file keeps every image in an {@code ANMF}, as libwebp demands).
 */
final class WebpStructure {

    static final int FLAG_ANIMATION = 0x02;
    static final int FLAG_XMP = 0x04;
    static final int FLAG_ALPHA = 0x10;
    /** ANMF flags: bit 1 set = do not blend (replace), bit 0 set = dispose to background after showing. */
    static final int ANMF_NO_BLEND = 0x02;
    static final int ANMF_DISPOSE_BACKGROUND = 0x01;
    private static final java.util.Set<String> IMAGE_CHUNKS = java.util.Set.of("VP8X", "ANIM", "ANMF", "ALPH", "VP8 ",
            "VP8L");

    /**
     * One frame: its rectangle, effective display time, operations, and its image chunks as they lie in the file
     * ({@code alphaOffset/alphaSpan} of an ALPH chunk or -1/0, {@code bitstreamOffset/bitstreamSpan} of the VP8 or
     * VP8L chunk; offsets of the chunk header, spans with header and padding).
     */
    record Frame(int index, int x, int y, int width, int height, long durationMicros, boolean blend,
            boolean disposeToBackground, int alphaOffset, int alphaSpan, int bitstreamOffset, int bitstreamSpan)
            implements StillFramesReader.SubFrame {
    }

    private WebpStructure() {}

    static Outline read(byte[] b) {
        return read(b, frame -> { });
    }

    static Outline read(byte[] b, Consumer<Frame> frames) {
        return new Walk(b, frames).run();
    }

    private static final class Walk {
        private final byte[] b;
        private final Consumer<Frame> sink;
        private final Timing timing = new Timing();
        private int width;
        private int height;
        private int loopCount = -1;
        private boolean transparent;
        private int count;

        Walk(byte[] b, Consumer<Frame> sink) {
            this.b = b;
            this.sink = sink;
        }

        Outline run() {
            if (b.length < 12 + 8 + 10 || !Riff.fourCc(b, 0).equals("RIFF") || !Riff.fourCc(b, 8).equals("WEBP")) {
                throw Corrupt.because("The WebP does not start with a RIFF/WEBP header and a VP8X chunk");
            }
            long riffSize = Riff.readLe32(b, 4);
            if (riffSize + 8 != b.length) {
                throw Corrupt.because("The WebP's RIFF header declares " + (riffSize + 8) + " bytes but the file has "
                        + b.length + (riffSize + 8 > b.length ? " (truncated)" : ""));
            }
            if (!Riff.fourCc(b, 12).equals("VP8X") || Riff.readLe32(b, 16) != 10) {
                throw Corrupt.because("The animated WebP does not start with a 10-byte VP8X chunk");
            }
            int flags = b[20] & 0xFF;
            width = Riff.readLe24(b, 24) + 1;
            height = Riff.readLe24(b, 27) + 1;
            if ((long) width * height > 0xFFFF_FFFFL) {
                throw Corrupt.because("The WebP's canvas of " + width + "x" + height + " is larger than WebP allows");
            }
            transparent = (flags & FLAG_ALPHA) != 0;
            int at = 12 + 18;
            while (at < b.length) {
                if (at + 8 > b.length) {
                    throw Corrupt.because("The WebP ends inside a chunk header (truncated)");
                }
                String type = Riff.fourCc(b, at);
                long size = Riff.readLe32(b, at + 4);
                if (Riff.span(size) > b.length - at) {
                    throw Corrupt.because("The WebP's " + printable(type) + " chunk runs past the end of the file");
                }
                chunk(type, at + 8, (int) size);
                at += (int) Riff.span(size);
            }
            if (loopCount < 0) {
                throw Corrupt.because("The animated WebP has no ANIM chunk");
            }
            if (count == 0) {
                throw Corrupt.because("The animated WebP holds no frame");
            }
            return new Outline(MediaFormat.WEBP, width, height, loopCount, count, transparent, timing);
        }

        private void chunk(String type, int data, int size) {
            switch (type) {
                case "ANIM" -> {
                    if (size != 6 || loopCount >= 0 || count > 0) {
                        throw Corrupt.because("The WebP's ANIM chunk is malformed, repeated or after a frame");
                    }
                    loopCount = Riff.readLe16(b, data + 4);
                }
                case "ANMF" -> frame(data, size);
                case "VP8X" -> throw Corrupt.because("The WebP has a second VP8X chunk");
                case "VP8 ", "VP8L", "ALPH" -> throw Corrupt.because("The animated WebP has a " + type.trim()
                        + " chunk outside any frame");
                default -> {
                    // ICCP, EXIF, XMP and unknown chunks: nothing a frame needs; the public copy drops them.
                }
            }
        }

        private void frame(int data, int size) {
            int index = count;
            if (loopCount < 0) {
                throw Corrupt.because("Frame " + (index + 1) + " of the WebP comes before its ANIM chunk");
            }
            if (size < 16) {
                throw Corrupt.because("The ANMF chunk of frame " + (index + 1) + " of the WebP is shorter than its header");
            }
            int x = Riff.readLe24(b, data) * 2;
            int y = Riff.readLe24(b, data + 3) * 2;
            int w = Riff.readLe24(b, data + 6) + 1;
            int h = Riff.readLe24(b, data + 9) + 1;
            long millis = Riff.readLe24(b, data + 12);
            int flags = b[data + 15] & 0xFF;
            if ((long) x + w > width || (long) y + h > height) {
                throw Corrupt.because("Frame " + (index + 1) + " of the WebP (" + w + "x" + h + " at " + x + "," + y
                        + ") reaches outside its " + width + "x" + height + " canvas");
            }
            int alphaOffset = -1;
            int alphaSpan = 0;
            int bitstreamOffset = -1;
            int bitstreamSpan = 0;
            int end = data + size;
            int at = data + 16;
            while (at < end && bitstreamOffset < 0) {
                if (at + 8 > end) {
                    throw Corrupt.because("Frame " + (index + 1) + " of the WebP ends inside a chunk header");
                }
                String type = Riff.fourCc(b, at);
                long sub = Riff.readLe32(b, at + 4);
                if (Riff.span(sub) > end - at) {
                    throw Corrupt.because("The " + printable(type) + " chunk of frame " + (index + 1)
                            + " of the WebP runs past its ANMF chunk (" + sub + " bytes declared, "
                            + Math.max(0, end - at - 8) + " there)");
                }
                switch (type) {
                    case "ALPH" -> {
                        if (alphaOffset >= 0) {
                            throw Corrupt.because("Frame " + (index + 1) + " of the WebP has two ALPH chunks");
                        }
                        alphaOffset = at;
                        alphaSpan = (int) Riff.span(sub);
                    }
                    case "VP8 " -> {
                        checkVp8(index, at + 8, (int) sub, w, h);
                        bitstreamOffset = at;
                        bitstreamSpan = (int) Riff.span(sub);
                    }
                    case "VP8L" -> {
                        if (alphaOffset >= 0) {
                            throw Corrupt.because("Frame " + (index + 1) + " of the WebP has an ALPH chunk before a"
                                    + " lossless bitstream");
                        }
                        transparent |= checkVp8l(index, at + 8, (int) sub, w, h);
                        bitstreamOffset = at;
                        bitstreamSpan = (int) Riff.span(sub);
                    }
                    default -> throw Corrupt.because("Frame " + (index + 1) + " of the WebP has a "
                            + printable(type) + " chunk where its ALPH or bitstream chunk belongs");
                }
                at += (int) Riff.span(sub);
            }
            if (bitstreamOffset < 0) {
                throw Corrupt.because("Frame " + (index + 1) + " of the WebP has no VP8 or VP8L bitstream");
            }
            trailingChunks(index, at, end);
            transparent |= alphaOffset >= 0 || x != 0 || y != 0 || w != width || h != height;
            long micros = Timing.effectiveMicros(millis * 1000);
            timing.add(micros);
            sink.accept(new Frame(index, x, y, w, h, micros, (flags & ANMF_NO_BLEND) == 0,
                    (flags & ANMF_DISPOSE_BACKGROUND) != 0, alphaOffset, alphaSpan, bitstreamOffset, bitstreamSpan));
            count++;
        }

        /**
         * Unknown chunks may follow the bitstream inside ANMF (nothing of them is decoded or published), but they must
         * fill it exactly, and none may be a frame or image chunk: an ANMF whose size lies upwards would otherwise
         * swallow the next frame whole and the file would quietly lose it.
         */
        private void trailingChunks(int index, int at, int end) {
            while (at < end) {
                if (at + 8 > end) {
                    throw Corrupt.because("Frame " + (index + 1) + " of the WebP ends inside a chunk header");
                }
                String type = Riff.fourCc(b, at);
                long sub = Riff.readLe32(b, at + 4);
                if (Riff.span(sub) > end - at) {
                    throw Corrupt.because("A " + printable(type) + " chunk in frame " + (index + 1)
                            + " of the WebP runs past its ANMF chunk");
                }
                if (IMAGE_CHUNKS.contains(type)) {
                    throw Corrupt.because("Frame " + (index + 1) + " of the WebP holds a second " + type.trim()
                            + " chunk (its ANMF size is wrong)");
                }
                at += (int) Riff.span(sub);
            }
        }

        /** A VP8 key frame's header: frame tag, start code, 14-bit width and height (the scale bits aside). */
        private void checkVp8(int index, int data, int size, int w, int h) {
            if (size < 10 || (b[data] & 0x01) != 0 || (b[data + 3] & 0xFF) != 0x9D || (b[data + 4] & 0xFF) != 0x01
                    || (b[data + 5] & 0xFF) != 0x2A) {
                throw Corrupt.because("Frame " + (index + 1) + " of the WebP has no VP8 key frame header");
            }
            int vw = Riff.readLe16(b, data + 6) & 0x3FFF;
            int vh = Riff.readLe16(b, data + 8) & 0x3FFF;
            sameSize(index, "VP8", vw, vh, w, h);
        }

        /** A VP8L header: signature 0x2F, 14-bit width-1 and height-1, the alpha hint, a zero version. */
        private boolean checkVp8l(int index, int data, int size, int w, int h) {
            if (size < 5 || (b[data] & 0xFF) != 0x2F) {
                throw Corrupt.because("Frame " + (index + 1) + " of the WebP has no VP8L header");
            }
            long bits = Riff.readLe32(b, data + 1);
            if ((bits >>> 29) != 0) {
                throw Corrupt.because("Frame " + (index + 1) + " of the WebP has an unknown VP8L version");
            }
            sameSize(index, "VP8L", (int) (bits & 0x3FFF) + 1, (int) ((bits >>> 14) & 0x3FFF) + 1, w, h);
            return ((bits >>> 28) & 1) != 0;
        }

        private static void sameSize(int index, String codec, int bw, int bh, int w, int h) {
            if (bw != w || bh != h) {
                throw Corrupt.because("Frame " + (index + 1) + " of the WebP is " + w + "x" + h + " in its ANMF chunk but"
                        + " its " + codec + " bitstream is " + bw + "x" + bh);
            }
        }

        private static String printable(String type) {
            return type.chars().allMatch(c -> c >= ' ' && c <= 'z') ? type.trim() : "unnamed";
        }
    }
}
