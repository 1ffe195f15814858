package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An APNG's chunk structure, walked without inflating any image data: {@code acTL}, every {@code fcTL} with the
 * {@code IDAT} or {@code fdAT} payloads that follow it, and the chunks a frame needs to decode on its own.
 *
 * <p>Per the APNG specification the default image ({@code IDAT}) is the first frame only when an {@code fcTL}
 * precedes it; otherwise it is a fallback for viewers without APNG support and is not part of the animation, so it
 * is skipped. Refused as corrupt: a chunk that runs past the end of the file, fcTL/fdAT sequence numbers out of
 * order, a frame rectangle that is empty or reaches outside the canvas, a frame without image data, unknown
 * dispose/blend operations, and an {@code acTL} whose frame count differs from the {@code fcTL} chunks present.
 */
final class ApngStructure {

    static final int DISPOSE_NONE = 0;
    static final int DISPOSE_BACKGROUND = 1;
    static final int DISPOSE_PREVIOUS = 2;
    static final int BLEND_SOURCE = 0;
    static final int BLEND_OVER = 1;

    /** Ancillary chunks before the image data that change how a frame's pixels decode. */
    private static final Set<String> DECODING_CHUNKS = Set.of("PLTE", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT");

    /**
     * One frame: its rectangle, effective display time, operations and where its compressed data lies
     * ({@code offset, length} pairs of IDAT or fdAT payloads, fdAT's sequence number excluded).
     */
    record Frame(int index, int width, int height, int x, int y, long durationMicros, int dispose, int blend,
            List<int[]> data) implements StillFramesReader.SubFrame {

        boolean coversCanvas(int canvasWidth, int canvasHeight) {
            return x == 0 && y == 0 && width == canvasWidth && height == canvasHeight;
        }
    }

    final Outline outline;
    /** IHDR's 13 bytes at this offset. */
    final int ihdrOffset;
    /** Whole chunks ({@code offset, length} including header and CRC) to copy into every frame's PNG. */
    final List<int[]> decodingChunks;

    private ApngStructure(Outline outline, int ihdrOffset, List<int[]> decodingChunks) {
        this.outline = outline;
        this.ihdrOffset = ihdrOffset;
        this.decodingChunks = decodingChunks;
    }

    MediaHeader header() {
        return outline.header();
    }

    static ApngStructure read(byte[] b) {
        return read(b, frame -> { });
    }

    static ApngStructure read(byte[] b, Consumer<Frame> frames) {
        return new Walk(b, frames).run();
    }

    private static final class Walk {
        private final byte[] b;
        private final Consumer<Frame> sink;
        private final Timing timing = new Timing();
        private final List<int[]> decodingChunks = new ArrayList<>();
        private int width;
        private int height;
        private int colourType;
        private boolean tRNS;
        private int declaredFrames = -1;
        private int loopCount;
        private int sequence;
        private boolean seenIdat;
        private boolean defaultIsFirstFrame;
        private int count;
        private boolean uncovered;
        private Frame open;

        Walk(byte[] b, Consumer<Frame> sink) {
            this.b = b;
            this.sink = sink;
        }

        ApngStructure run() {
            if (b.length < 8 + 8 + 13 || !java.util.Arrays.equals(b, 0, 8, Png.SIGNATURE, 0, 8)
                    || !Png.type(b, 12).equals("IHDR") || Png.readInt(b, 8) != 13) {
                throw Corrupt.because("The PNG does not start with a complete IHDR chunk");
            }
            width = Png.readInt(b, 16);
            height = Png.readInt(b, 20);
            colourType = b[25] & 0xFF;
            int at = 8;
            while (at < b.length) {
                if (at + 12 > b.length) {
                    throw Corrupt.because("The PNG ends inside a chunk header (truncated)");
                }
                int length = Png.readInt(b, at);
                String type = Png.type(b, at + 4);
                if (length < 0 || length > b.length - at - 12) {
                    throw Corrupt.because("The PNG's " + printable(type) + " chunk runs past the end of the file (truncated)");
                }
                int data = at + 8;
                if (type.equals("IEND")) {
                    break;
                }
                chunk(type, data, length, at);
                at = data + length + 4;
            }
            close();
            if (declaredFrames < 0) {
                throw Corrupt.because("The PNG has no acTL chunk before its image data");
            }
            if (count == 0) {
                throw Corrupt.because("The APNG holds no frame");
            }
            if (declaredFrames != count) {
                throw Corrupt.because("The APNG's acTL declares " + Integer.toUnsignedString(declaredFrames)
                        + " frames but it holds " + count);
            }
            boolean transparent = colourType == 4 || colourType == 6 || tRNS || uncovered;
            return new ApngStructure(new Outline(MediaFormat.APNG, width, height, loopCount, count, transparent, timing), 16,
                    List.copyOf(decodingChunks));
        }

        private void chunk(String type, int data, int length, int chunkStart) {
            switch (type) {
                case "acTL" -> {
                    if (length != 8 || declaredFrames >= 0 || seenIdat) {
                        throw Corrupt.because("The APNG's acTL chunk is malformed, repeated or after the image data");
                    }
                    declaredFrames = Png.readInt(b, data);
                    loopCount = Png.readInt(b, data + 4);
                    if (declaredFrames <= 0 || loopCount < 0) {
                        throw Corrupt.because("The APNG's acTL declares " + Integer.toUnsignedString(declaredFrames)
                                + " frames and " + Integer.toUnsignedString(loopCount) + " plays");
                    }
                }
                case "fcTL" -> frameControl(data, length);
                case "IDAT" -> {
                    seenIdat = true;
                    if (defaultIsFirstFrame && open != null && open.index() == 0) {
                        open.data().add(new int[] {data, length});
                    }
                }
                case "fdAT" -> {
                    if (length < 4) {
                        throw Corrupt.because("An fdAT chunk of the APNG is shorter than its sequence number");
                    }
                    checkSequence(data, "fdAT");
                    if (open == null || (defaultIsFirstFrame && open.index() == 0)) {
                        throw Corrupt.because("The APNG has an fdAT chunk that belongs to no frame");
                    }
                    open.data().add(new int[] {data + 4, length - 4});
                }
                default -> {
                    if (!seenIdat && DECODING_CHUNKS.contains(type)) {
                        decodingChunks.add(new int[] {chunkStart, length + 12});
                        tRNS |= type.equals("tRNS");
                    }
                }
            }
        }

        private void frameControl(int data, int length) {
            if (length != 26) {
                throw Corrupt.because("An fcTL chunk of the APNG has " + length + " bytes instead of 26");
            }
            checkSequence(data, "fcTL");
            close();
            int w = Png.readInt(b, data + 4);
            int h = Png.readInt(b, data + 8);
            int x = Png.readInt(b, data + 12);
            int y = Png.readInt(b, data + 16);
            int num = Png.readShort(b, data + 20);
            int den = Png.readShort(b, data + 22);
            int dispose = b[data + 24] & 0xFF;
            int blend = b[data + 25] & 0xFF;
            int index = count;
            if (w <= 0 || h <= 0 || x < 0 || y < 0 || (long) x + w > width || (long) y + h > height) {
                throw Corrupt.because("Frame " + (index + 1) + " of the APNG (" + Integer.toUnsignedString(w) + "x"
                        + Integer.toUnsignedString(h) + " at " + Integer.toUnsignedString(x) + "," + Integer.toUnsignedString(y)
                        + ") is empty or reaches outside its " + width + "x" + height + " canvas");
            }
            if (dispose > DISPOSE_PREVIOUS || blend > BLEND_OVER) {
                throw Corrupt.because("Frame " + (index + 1) + " of the APNG has an unknown dispose (" + dispose
                        + ") or blend (" + blend + ") operation");
            }
            if (!seenIdat) {
                if (index != 0 || x != 0 || y != 0 || w != width || h != height) {
                    throw Corrupt.because("The APNG's default image is its first frame but that frame is not the full canvas");
                }
                defaultIsFirstFrame = true;
            }
            if (index == 0 && dispose == DISPOSE_PREVIOUS) {
                dispose = DISPOSE_BACKGROUND; // the specification's rule: there is nothing previous to restore
            }
            long micros = (long) num * 1_000_000L / (den == 0 ? 100 : den);
            open = new Frame(index, w, h, x, y, Timing.effectiveMicros(micros), dispose, blend, new ArrayList<>());
        }

        private void checkSequence(int data, String type) {
            int seq = Png.readInt(b, data);
            if (seq != sequence) {
                throw Corrupt.because("An " + type + " chunk of the APNG has sequence number "
                        + Integer.toUnsignedString(seq) + " where " + sequence + " was due");
            }
            sequence++;
        }

        /** Ends the open frame: hands it on once it is known to have image data. */
        private void close() {
            if (open == null) {
                return;
            }
            if (open.data().isEmpty()) {
                throw Corrupt.because("Frame " + (open.index() + 1) + " of the APNG has no image data");
            }
            uncovered |= !open.coversCanvas(width, height);
            timing.add(open.durationMicros());
            sink.accept(open);
            count++;
            open = null;
        }

        private static String printable(String type) {
            return type.chars().allMatch(c -> c >= 'A' && c <= 'z') ? type : "unnamed";
        }
    }
}
