package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.PublicEncoder;
import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the public GIF from pixels alone: every frame covers the whole canvas with its own 256-colour palette
 * ({@link Quantiser}), its own delay, and the upload's loop count. A frame with transparent pixels (alpha below 128)
 * gets a transparent index; the frame before it then restores to the background so that nothing of it shows
 * through. Flagged uploads carry the XMP "data mining prohibited" mark in the XMP application extension.
 */
final class GifFrameWriter implements FrameWriter {

    private static final int DO_NOT_DISPOSE = 1;
    private static final int RESTORE_TO_BACKGROUND = 2;

    private final MediaHeader header;
    private final boolean alpha;
    private final boolean mark;
    private ByteArrayOutputStream out;
    /** The last frame's bytes, held back until the next frame says which disposal it needs. */
    private byte[] pending;
    private int frames;
    private int[] lastArgb;
    private boolean lastAlpha;
    private Quantiser.Indexed lastIndexed;

    GifFrameWriter(MediaHeader header, boolean alpha, boolean markDataMiningProhibited) {
        this.header = header;
        this.alpha = alpha;
        this.mark = markDataMiningProhibited;
    }

    @Override
    public byte[] encodeStill(BufferedImage frame) {
        checkSize(frame);
        Quantiser.Indexed indexed = quantise(frame);
        ByteArrayOutputStream still = new ByteArrayOutputStream();
        screen(still);
        byte[] image = image(indexed, 0);
        still.writeBytes(image);
        still.write(0x3B);
        return still.toByteArray();
    }

    @Override
    public void write(MediaFrame frame) {
        if (out == null) {
            out = new ByteArrayOutputStream();
            screen(out);
            loop(out);
            if (mark) {
                xmp(out);
            }
        }
        checkSize(frame.pixels());
        Quantiser.Indexed indexed = quantise(frame.pixels());
        flushPending(indexed.transparent() >= 0);
        pending = image(indexed, centiseconds(frame.durationMicros()));
        frames++;
    }

    @Override
    public byte[] finish() {
        if (frames == 0) {
            throw new IllegalStateException("no frame was written");
        }
        flushPending(false);
        out.write(0x3B);
        byte[] gif = out.toByteArray();
        out = null;
        return gif;
    }

    @Override
    public void close() {
        out = null;
        pending = null;
        lastArgb = null;
        lastIndexed = null;
    }

    private void flushPending(boolean nextHasTransparency) {
        if (pending != null) {
            pending[3] |= (byte) ((nextHasTransparency ? RESTORE_TO_BACKGROUND : DO_NOT_DISPOSE) << 2);
            out.writeBytes(pending);
            pending = null;
        }
    }

    /**
     * The frame's palette and indices. The cloak's last publish check of a frame quantises exactly the pixels that are
     * then written, so the last result is kept: quantising is the writer's largest cost (tens of ms per frame).
     */
    private Quantiser.Indexed quantise(BufferedImage frame) {
        int w = frame.getWidth();
        int h = frame.getHeight();
        int[] argb = frame.getRGB(0, 0, w, h, null, 0, w);
        boolean withAlpha = alpha && frame.getColorModel().hasAlpha();
        if (lastIndexed != null && lastAlpha == withAlpha && Arrays.equals(argb, lastArgb)) {
            return lastIndexed;
        }
        lastIndexed = Quantiser.quantise(argb, w, h, withAlpha);
        lastArgb = argb;
        lastAlpha = withAlpha;
        return lastIndexed;
    }

    private void checkSize(BufferedImage frame) {
        if (frame.getWidth() != header.width() || frame.getHeight() != header.height()) {
            throw new IllegalArgumentException("a frame of " + frame.getWidth() + "x" + frame.getHeight()
                    + " does not fill the " + header.width() + "x" + header.height() + " canvas");
        }
    }

    /** Header and logical screen descriptor: no global colour table, every frame brings its own. */
    private void screen(ByteArrayOutputStream gif) {
        gif.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
        le16(gif, header.width());
        le16(gif, header.height());
        gif.write(0x70); // no global table, 8 bits of colour resolution
        gif.write(0);
        gif.write(0);
    }

    /** The NETSCAPE2.0 extension counts repeats after the first play; without it a GIF plays once. */
    private void loop(ByteArrayOutputStream gif) {
        int plays = header.loopCount();
        if (plays == 1) {
            return;
        }
        gif.write(0x21);
        gif.write(0xFF);
        gif.write(11);
        gif.writeBytes("NETSCAPE2.0".getBytes(StandardCharsets.US_ASCII));
        gif.write(3);
        gif.write(1);
        le16(gif, plays == 0 ? 0 : Math.min(0xFFFF, plays - 1));
        gif.write(0);
    }

    /**
     * XMP's GIF embedding: the packet's bytes read as sub-blocks by GIF readers, followed by the 258-byte "magic
     * trailer" that leads any such reader to the terminator, whichever byte it lands on.
     */
    private static void xmp(ByteArrayOutputStream gif) {
        gif.write(0x21);
        gif.write(0xFF);
        gif.write(11);
        gif.writeBytes("XMP DataXMP".getBytes(StandardCharsets.US_ASCII));
        gif.writeBytes(PublicEncoder.xmpPacket().getBytes(StandardCharsets.UTF_8));
        gif.write(1);
        for (int b = 0xFF; b >= 0; b--) {
            gif.write(b);
        }
        gif.write(0);
    }

    /** Graphic control extension (disposal filled in later), full-canvas descriptor, local palette, LZW data. */
    private static byte[] image(Quantiser.Indexed indexed, int delayCs) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x21);
        frame.write(0xF9);
        frame.write(4);
        frame.write(indexed.transparent() >= 0 ? 1 : 0);
        le16(frame, delayCs);
        frame.write(Math.max(0, indexed.transparent()));
        frame.write(0);
        frame.write(0x2C);
        le16(frame, 0);
        le16(frame, 0);
        le16(frame, indexed.width());
        le16(frame, indexed.height());
        frame.write(0x80 | 7); // a local table of 256 entries, not interlaced
        for (int rgb : indexed.palette()) {
            frame.write(rgb >> 16);
            frame.write(rgb >> 8);
            frame.write(rgb);
        }
        GifLzw.write(indexed.indices(), frame);
        return frame.toByteArray();
    }

    private static int centiseconds(long micros) {
        return (int) Math.max(0, Math.min(0xFFFF, (micros + 5_000) / 10_000));
    }

    private static void le16(ByteArrayOutputStream out, int value) {
        out.write(value);
        out.write(value >>> 8);
    }
}
