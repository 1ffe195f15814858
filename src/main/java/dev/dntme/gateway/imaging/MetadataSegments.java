package dev.dntme.gateway.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * What the metadata reader is allowed to see of an untrusted upload: only the containers that can hold
 * the two facts we read (EXIF orientation, XMP DataMining), with every size bounded by the upload itself.
 *
 * <p>metadata-extractor trusts the file: it inflates every compressed PNG text chunk without a limit
 * (a 1.4 MB zTXt of zeros becomes 1.5 GB of heap) and allocates an extended-XMP buffer of whatever size
 * the segment declares (2 GB from a 100-byte segment). So a PNG is reduced to IHDR, eXIf and the XMP
 * iTXt (inflated here, at most {@link #MAX_XMP_BYTES}), and a JPEG to its header segments without
 * extended-XMP parts that declare more bytes than the upload has.
 */
final class MetadataSegments {

    /** XMP packets larger than this (after inflating) are treated as absent. */
    static final int MAX_XMP_BYTES = 1 << 20;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final byte[] XMP_KEYWORD = "XML:com.adobe.xmp".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] EXTENDED_XMP = "http://ns.adobe.com/xmp/extension/\0".getBytes(StandardCharsets.ISO_8859_1);

    private MetadataSegments() {
    }

    static byte[] forMetadataReader(byte[] bytes) {
        return switch (ImageFormat.sniff(bytes).orElse(ImageFormat.GIF)) {
            case PNG -> png(bytes);
            case JPEG -> jpeg(bytes);
            default -> bytes; // WebP and GIF: the reader bounds every size by the bytes present
        };
    }

    private static byte[] png(byte[] png) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PNG_SIGNATURE);
        ByteBuffer in = ByteBuffer.wrap(png);
        int at = PNG_SIGNATURE.length;
        while (at + 12 <= png.length) {
            int length = in.getInt(at);
            if (length < 0 || length > png.length - at - 12) {
                break;
            }
            String type = new String(png, at + 4, 4, StandardCharsets.ISO_8859_1);
            byte[] data = Arrays.copyOfRange(png, at + 8, at + 8 + length);
            switch (type) {
                case "IHDR", "eXIf" -> chunk(out, type, data);
                case "iTXt" -> {
                    byte[] xmp = xmpText(data);
                    if (xmp != null) {
                        chunk(out, "iTXt", concat(XMP_KEYWORD, new byte[] {0, 0, 0, 0, 0}, xmp));
                    }
                }
                case "IEND" -> at = png.length;
                default -> {
                    // anything else, compressed text and ICC profiles included, is never read
                }
            }
            at += 12 + length;
        }
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** The XMP packet of an iTXt chunk with keyword XML:com.adobe.xmp, inflated within the limit; else null. */
    private static byte[] xmpText(byte[] data) {
        if (data.length < XMP_KEYWORD.length + 5
                || !Arrays.equals(data, 0, XMP_KEYWORD.length + 1, concat(XMP_KEYWORD, new byte[1]), 0,
                        XMP_KEYWORD.length + 1)) {
            return null;
        }
        int at = XMP_KEYWORD.length + 1;
        boolean compressed = data[at] == 1;
        at += 2; // compression flag and method
        for (int nul = 0; nul < 2; nul++) { // language tag, translated keyword
            while (at < data.length && data[at] != 0) {
                at++;
            }
            at++;
        }
        if (at > data.length) {
            return null;
        }
        byte[] text = Arrays.copyOfRange(data, at, data.length);
        if (!compressed) {
            return text.length <= MAX_XMP_BYTES ? text : null;
        }
        return inflate(text);
    }

    private static byte[] inflate(byte[] deflated) {
        return BoundedInflate.inflate(deflated, MAX_XMP_BYTES);
    }

    /** SOI, the segments before the first scan (less lying extended-XMP parts), EOI. */
    private static byte[] jpeg(byte[] jpeg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        int at = 2;
        while (at + 1 < jpeg.length && (jpeg[at] & 0xFF) == 0xFF) {
            int marker = jpeg[at + 1] & 0xFF;
            if (marker == 0xFF) {
                at++; // fill byte
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                break;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                at += 2;
                continue;
            }
            if (at + 4 > jpeg.length) {
                break;
            }
            int end = at + 2 + (((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF));
            if (end > jpeg.length) {
                break;
            }
            if (!(marker == 0xE1 && extendedXmpLies(jpeg, at + 4, end, jpeg.length))) {
                out.write(jpeg, at, end - at);
            }
            at = end;
        }
        out.write(0xFF);
        out.write(0xD9);
        return out.toByteArray();
    }

    /** An extended-XMP part whose declared full length is more than the whole upload. */
    private static boolean extendedXmpLies(byte[] jpeg, int from, int to, int uploadLength) {
        int lengthAt = from + EXTENDED_XMP.length + 32;
        if (lengthAt + 4 > to || !Arrays.equals(jpeg, from, from + EXTENDED_XMP.length, EXTENDED_XMP, 0,
                EXTENDED_XMP.length)) {
            return false;
        }
        long fullLength = ByteBuffer.wrap(jpeg, lengthAt, 4).getInt() & 0xFFFFFFFFL;
        return fullLength > uploadLength || fullLength > MAX_XMP_BYTES;
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
