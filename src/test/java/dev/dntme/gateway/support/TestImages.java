package dev.dntme.gateway.support;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Named fixtures: real photos from src/test/resources/faces and small images made on the spot. */
public final class TestImages {

    private TestImages() {
    }

    /** A real photo, e.g. {@code people/obama/obama-1.jpg} (carries EXIF and XMP). */
    public static byte[] photo(String path) {
        try (InputStream in = TestImages.class.getClassLoader().getResourceAsStream("faces/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test photo " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A faceless gradient, so tests of plain publishing do not depend on the cloak. */
    public static BufferedImage gradient(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(20, 80, 160), width, height, new Color(240, 200, 40)));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.RED);
        g.fillRect(0, 0, Math.max(1, width / 4), Math.max(1, height / 4)); // marks the top-left corner
        g.dispose();
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] jpeg(int width, int height) {
        return encode(gradient(width, height), "jpeg");
    }

    public static byte[] png(int width, int height) {
        return encode(gradient(width, height), "png");
    }

    /**
     * Inserts an EXIF APP1 segment after SOI with a camera make, an orientation and a GPS IFD pointer,
     * as phones write them.
     */
    public static byte[] withExif(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 3 * 12 + 4 + 16 + 2 + 12 + 4);
        tiff.put("MM".getBytes(StandardCharsets.US_ASCII)).putShort((short) 42).putInt(8);
        int ifd0Size = 2 + 3 * 12 + 4;
        int makeOffset = 8 + ifd0Size;
        int gpsOffset = makeOffset + 16;
        tiff.putShort((short) 3);
        tiff.putShort((short) 0x010F).putShort((short) 2).putInt(16).putInt(makeOffset);      // Make
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1)
                .putShort((short) orientation).putShort((short) 0);                             // Orientation
        tiff.putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(gpsOffset);         // GPS IFD
        tiff.putInt(0);
        tiff.put("DntmeTestCamera\0".getBytes(StandardCharsets.US_ASCII));
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0001).putShort((short) 2).putInt(2).put(new byte[] {'N', 0, 0, 0}); // GPSLatitudeRef
        tiff.putInt(0);
        return insertJpegSegment(jpeg, 0xE1, concat("Exif\0\0".getBytes(StandardCharsets.US_ASCII), tiff.array()));
    }

    /** Marks a JPEG with IPTC 2023 {@code plus:DataMining}, as a phone or editor would. */
    public static byte[] withDataMining(byte[] jpeg, String value) {
        String xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                + "<rdf:Description rdf:about=\"\" xmlns:plus=\"http://ns.useplus.org/ldf/xmp/1.0/\">"
                + "<plus:DataMining>" + value + "</plus:DataMining></rdf:Description></rdf:RDF></x:xmpmeta>";
        return insertJpegSegment(jpeg, 0xE1, concat("http://ns.adobe.com/xap/1.0/\0".getBytes(StandardCharsets.US_ASCII),
                xmp.getBytes(StandardCharsets.UTF_8)));
    }

    /** A valid PNG signature and IHDR that declares {@code width x height} but carries almost no data. */
    public static byte[] pngDeclaring(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** Appends one PNG chunk (length, type, data, CRC) to {@code out}. */
    public static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] insertJpegSegment(byte[] jpeg, int marker, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(marker);
        int length = payload.length + 2;
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(payload);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
