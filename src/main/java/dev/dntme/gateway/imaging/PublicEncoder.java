package dev.dntme.gateway.imaging;

import dev.dntme.gateway.imaging.ImageFormat.PublicFormat;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.springframework.stereotype.Component;

/**
 * Encodes the public copy from pixels alone, so no EXIF, GPS, thumbnail, XMP, IPTC or comment of the
 * upload can survive. The one thing written back is, for flagged photos, the IPTC Data Mining
 * "prohibited" mark, so that the public copy keeps saying what its owner asked.
 */
@Component
public class PublicEncoder {

    static final String DATA_MINING_PROHIBITED = "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED";

    private static final byte[] XMP_JPEG_HEADER = "http://ns.adobe.com/xap/1.0/\0".getBytes(StandardCharsets.US_ASCII);

    private final float jpegQuality;

    PublicEncoder(ImagingProperties properties) {
        this.jpegQuality = properties.jpegQuality();
    }

    public byte[] encode(BufferedImage image, PublicFormat format, boolean markDataMiningProhibited) {
        byte[] encoded = format == PublicFormat.JPEG ? jpeg(opaque(image)) : png(image);
        if (!markDataMiningProhibited) {
            return encoded;
        }
        return format == PublicFormat.JPEG ? withJpegXmp(encoded) : withPngXmp(encoded);
    }

    private byte[] jpeg(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(jpegQuality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        }
        return out.toByteArray();
    }

    /** JPEG has no alpha: transparent areas become white rather than the black ImageIO would give. */
    private static BufferedImage opaque(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    /** The XMP packet of the "data mining prohibited" mark, for every format that embeds XMP. */
    public static String xmpPacket() {
        return "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
                + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                + "<rdf:Description rdf:about=\"\" xmlns:plus=\"" + PhotoMetadata.PLUS_NAMESPACE + "\" plus:"
                + PhotoMetadata.DATA_MINING + "=\"" + DATA_MINING_PROHIBITED + "\"/>"
                + "</rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>";
    }

    /** Inserts an APP1 XMP segment right after SOI and the JFIF APP0 segment. */
    private static byte[] withJpegXmp(byte[] jpeg) {
        byte[] xmp = xmpPacket().getBytes(StandardCharsets.UTF_8);
        int at = 2;
        if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
            at = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        }
        int length = 2 + XMP_JPEG_HEADER.length + xmp.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + length + 2);
        out.write(jpeg, 0, at);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(XMP_JPEG_HEADER);
        out.writeBytes(xmp);
        out.write(jpeg, at, jpeg.length - at);
        return out.toByteArray();
    }

    /** Inserts an iTXt chunk with keyword {@code XML:com.adobe.xmp} right after IHDR. */
    private static byte[] withPngXmp(byte[] png) {
        int afterIhdr = 8 + 4 + 4 + 13 + 4;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes("XML:com.adobe.xmp".getBytes(StandardCharsets.ISO_8859_1));
        data.writeBytes(new byte[] {0, 0, 0, 0, 0}); // NUL, uncompressed, method 0, empty language, empty translation
        data.writeBytes(xmpPacket().getBytes(StandardCharsets.UTF_8));
        byte[] body = data.toByteArray();
        byte[] type = "iTXt".getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(body);
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + body.length + 12);
        out.write(png, 0, afterIhdr);
        writeInt(out, body.length);
        out.writeBytes(type);
        out.writeBytes(body);
        writeInt(out, (int) crc.getValue());
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }
}
