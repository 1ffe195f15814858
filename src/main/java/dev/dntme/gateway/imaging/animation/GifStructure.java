package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.MediaFormat;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A GIF's block structure, walked without decompressing any LZW data: the logical screen, the loop count of a
 * NETSCAPE2.0 (or ANIMEXTS1.0) extension, and for every image descriptor its rectangle and the delay, disposal and
 * transparency of the graphic control extension before it. Cheap enough to run on every upload that says GIF.
 *
 * <p>Refused as corrupt: a file that ends inside a block (the end of data where a block would start counts as a
 * missing trailer, which browsers and this walk tolerate), a frame rectangle that is empty or reaches outside the
 * logical screen, and a file with no frame at all. A byte that starts no known block ends the walk, as it ends
 * decoding in browsers.
 */
final class GifStructure {

    static final int DISPOSE_BACKGROUND = 2;
    static final int DISPOSE_PREVIOUS = 3;

    /** One image descriptor with its graphic control extension; {@code durationMicros} is the effective time. */
    record Frame(int index, int left, int top, int width, int height, long durationMicros, int disposal,
            boolean transparent) {

        boolean coversCanvas(int canvasWidth, int canvasHeight) {
            return left == 0 && top == 0 && width == canvasWidth && height == canvasHeight;
        }
    }

    private GifStructure() {}

    static Outline read(byte[] b) {
        return read(b, frame -> { });
    }

    /** Walks the whole file, handing every complete frame to {@code frames} in order. */
    static Outline read(byte[] b, Consumer<Frame> frames) {
        if (b.length < 13) {
            throw Corrupt.because("The GIF ends inside its header (" + b.length + " bytes)");
        }
        int width = le16(b, 6);
        int height = le16(b, 8);
        int at = 13 + colourTableBytes(b[10]);
        if (at > b.length) {
            throw Corrupt.because("The GIF ends inside its global colour table");
        }
        // no NETSCAPE extension plays once; its count n means n repeats, so n + 1 plays
        int loopCount = 1;
        int count = 0;
        boolean transparent = false;
        Timing timing = new Timing();
        int delayCs = 0;
        int disposal = 0;
        boolean transparentColour = false;
        walk:
        while (at < b.length) {
            int block = b[at++] & 0xFF;
            switch (block) {
                case 0x3B -> {
                    break walk;
                }
                case 0x21 -> {
                    if (at + 2 > b.length || at + 2 + (b[at + 1] & 0xFF) > b.length) {
                        throw Corrupt.because("The GIF ends inside an extension before frame " + (count + 1));
                    }
                    int label = b[at] & 0xFF;
                    int size = b[at + 1] & 0xFF;
                    int data = at + 2;
                    if (label == 0xF9 && size >= 4) {
                        disposal = (b[data] >> 2) & 0x07;
                        transparentColour = (b[data] & 0x01) != 0;
                        delayCs = le16(b, data + 1);
                    } else if (label == 0xFF && size == 11 && isLoopExtension(b, data)) {
                        int next = data + size;
                        if (next + 4 <= b.length && (b[next] & 0xFF) >= 3 && (b[next + 1] & 0x07) == 1) {
                            int repeats = le16(b, next + 2);
                            loopCount = repeats == 0 ? 0 : repeats + 1;
                        }
                    }
                    at = skipSubBlocks(b, at + 1, count);
                }
                case 0x2C -> {
                    if (at + 9 > b.length) {
                        throw Corrupt.because("The GIF ends inside the descriptor of frame " + (count + 1));
                    }
                    Frame frame = new Frame(count, le16(b, at), le16(b, at + 2), le16(b, at + 4), le16(b, at + 6),
                            Timing.effectiveMicros(delayCs * 10_000L), disposal, transparentColour);
                    at += 9 + colourTableBytes(b[at + 8]);
                    if (at + 1 > b.length) {
                        throw Corrupt.because("The GIF ends inside the colour table of frame " + (count + 1));
                    }
                    at = skipSubBlocks(b, at + 1, count); // after the LZW minimum code size
                    checkInside(frame, width, height);
                    transparent |= frame.transparent() || !frame.coversCanvas(width, height);
                    timing.add(frame.durationMicros());
                    frames.accept(frame);
                    count++;
                    delayCs = 0;
                    disposal = 0;
                    transparentColour = false;
                }
                default -> {
                    break walk;
                }
            }
        }
        if (count == 0) {
            throw Corrupt.because("The GIF holds no frame");
        }
        return new Outline(MediaFormat.GIF, width, height, loopCount, count, transparent, timing);
    }

    private static void checkInside(Frame f, int width, int height) {
        if (f.width() == 0 || f.height() == 0 || f.left() + f.width() > width || f.top() + f.height() > height) {
            throw Corrupt.because("Frame " + (f.index() + 1) + " of the GIF (" + f.width() + "x" + f.height() + " at "
                    + f.left() + "," + f.top() + ") is empty or reaches outside its " + width + "x" + height + " canvas");
        }
    }

    private static boolean isLoopExtension(byte[] b, int at) {
        String id = new String(b, at, 11, StandardCharsets.ISO_8859_1);
        return id.equals("NETSCAPE2.0") || id.equals("ANIMEXTS1.0");
    }

    /** The position after the data sub-blocks starting at {@code at} and their zero-length terminator. */
    private static int skipSubBlocks(byte[] b, int at, int framesBefore) {
        while (true) {
            if (at >= b.length) {
                throw Corrupt.because("The GIF ends inside the data of frame " + (framesBefore + 1) + " (truncated)");
            }
            int size = b[at++] & 0xFF;
            if (size == 0) {
                return at;
            }
            at += size;
        }
    }

    private static int colourTableBytes(byte packed) {
        return (packed & 0x80) == 0 ? 0 : 3 << ((packed & 0x07) + 1);
    }

    private static int le16(byte[] b, int at) {
        return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8);
    }
}
