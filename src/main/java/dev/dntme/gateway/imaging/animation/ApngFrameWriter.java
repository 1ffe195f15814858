package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.PublicEncoder;
import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

/**
 * Writes the public APNG from pixels alone: every frame is the whole canvas (dispose NONE, blend SOURCE), the first
 * one is also the default image, each keeps its delay, and the file keeps the upload's play count. Pixels are
 * 8-bit RGBA when the animation has transparency, else RGB; each frame's data is exactly what ImageIO's PNG writer
 * makes of it, so {@link #encodeStill} decodes to the same pixels as the frame in the finished file.
 */
final class ApngFrameWriter implements FrameWriter {

    private final MediaHeader header;
    private final boolean alpha;
    private final boolean mark;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private byte[] ihdr;
    private int sequence;
    private int frames;

    ApngFrameWriter(MediaHeader header, boolean alpha, boolean markDataMiningProhibited) {
        this.header = header;
        this.alpha = alpha;
        this.mark = markDataMiningProhibited;
    }

    /** The frame as a PNG of exactly the chunks the APNG reader rebuilds for it: IHDR, one IDAT, IEND. */
    @Override
    public byte[] encodeStill(BufferedImage frame) {
        Encoded encoded = encode(frame);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(Png.SIGNATURE);
        Png.chunk(png, "IHDR", encoded.ihdr());
        Png.chunk(png, "IDAT", encoded.idat());
        Png.chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    @Override
    public void write(MediaFrame frame) {
        Encoded encoded = encode(frame.pixels());
        if (ihdr == null) {
            ihdr = encoded.ihdr();
        }
        ByteArrayOutputStream control = new ByteArrayOutputStream();
        Png.writeInt(control, sequence++);
        Png.writeInt(control, header.width());
        Png.writeInt(control, header.height());
        Png.writeInt(control, 0);
        Png.writeInt(control, 0);
        int[] delay = delay(frame.durationMicros());
        Png.writeShort(control, delay[0]);
        Png.writeShort(control, delay[1]);
        control.write(ApngStructure.DISPOSE_NONE);
        control.write(ApngStructure.BLEND_SOURCE);
        Png.chunk(body, "fcTL", control.toByteArray());
        if (frames == 0) {
            Png.chunk(body, "IDAT", encoded.idat());
        } else {
            byte[] data = new byte[4 + encoded.idat().length];
            data[0] = (byte) (sequence >>> 24);
            data[1] = (byte) (sequence >>> 16);
            data[2] = (byte) (sequence >>> 8);
            data[3] = (byte) sequence;
            sequence++;
            System.arraycopy(encoded.idat(), 0, data, 4, encoded.idat().length);
            Png.chunk(body, "fdAT", data);
        }
        frames++;
    }

    @Override
    public byte[] finish() {
        if (frames == 0) {
            throw new IllegalStateException("no frame was written");
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream(body.size() + 1024);
        png.writeBytes(Png.SIGNATURE);
        Png.chunk(png, "IHDR", ihdr);
        if (mark) {
            Png.chunk(png, "iTXt", xmpText());
        }
        ByteArrayOutputStream control = new ByteArrayOutputStream();
        Png.writeInt(control, frames);
        Png.writeInt(control, header.loopCount());
        Png.chunk(png, "acTL", control.toByteArray());
        png.writeBytes(body.toByteArray());
        Png.chunk(png, "IEND", new byte[0]);
        body.reset();
        return png.toByteArray();
    }

    @Override
    public void close() {
        body.reset();
    }

    private record Encoded(byte[] ihdr, byte[] idat) {
    }

    private Encoded encode(BufferedImage frame) {
        if (frame.getWidth() != header.width() || frame.getHeight() != header.height()) {
            throw new IllegalArgumentException("a frame of " + frame.getWidth() + "x" + frame.getHeight()
                    + " does not fill the " + header.width() + "x" + header.height() + " canvas");
        }
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(inFileType(frame), "png", encoded)) {
                throw new IllegalStateException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        }
        byte[] png = encoded.toByteArray();
        byte[] header = null;
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        for (int at = 8; at + 12 <= png.length; ) {
            int length = Png.readInt(png, at);
            String type = Png.type(png, at + 4);
            if (type.equals("IHDR")) {
                header = java.util.Arrays.copyOfRange(png, at + 8, at + 8 + length);
            } else if (type.equals("IDAT")) {
                idat.write(png, at + 8, length);
            }
            at += 12 + length;
        }
        return new Encoded(header, idat.toByteArray());
    }

    /** Every frame in the file's one pixel format, so that all frames agree with IHDR. */
    private BufferedImage inFileType(BufferedImage frame) {
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        if (frame.getType() == type) {
            return frame;
        }
        BufferedImage converted = new BufferedImage(frame.getWidth(), frame.getHeight(), type);
        Graphics2D g = converted.createGraphics();
        try {
            g.drawImage(frame, 0, 0, null);
        } finally {
            g.dispose();
        }
        return converted;
    }

    /** Milliseconds over 1000 while they fit 16 bits, else centiseconds. */
    private static int[] delay(long micros) {
        long millis = (micros + 500) / 1000;
        return millis <= 0xFFFF ? new int[] {(int) millis, 1000}
                : new int[] {(int) Math.min(0xFFFF, (micros + 5_000) / 10_000), 100};
    }

    private static byte[] xmpText() {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes("XML:com.adobe.xmp".getBytes(StandardCharsets.ISO_8859_1));
        data.writeBytes(new byte[] {0, 0, 0, 0, 0}); // NUL, uncompressed, method 0, empty language and translation
        data.writeBytes(PublicEncoder.xmpPacket().getBytes(StandardCharsets.UTF_8));
        return data.toByteArray();
    }
}
