package dev.dntme.gateway.imaging.animation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** RIFF plumbing (little-endian sizes, even padding) shared by the animated WebP reader and writer. */
final class Riff {

    private Riff() {
    }

    static int readLe24(byte[] b, int at) {
        return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8) | ((b[at + 2] & 0xFF) << 16);
    }

    /** An unsigned 32-bit size as a long, so that a lying size cannot turn negative. */
    static long readLe32(byte[] b, int at) {
        return readLe24(b, at) | ((b[at + 3] & 0xFFL) << 24);
    }

    static int readLe16(byte[] b, int at) {
        return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8);
    }

    static void writeLe24(ByteArrayOutputStream out, int value) {
        out.write(value);
        out.write(value >>> 8);
        out.write(value >>> 16);
    }

    static void writeLe32(ByteArrayOutputStream out, int value) {
        writeLe24(out, value);
        out.write(value >>> 24);
    }

    static String fourCc(byte[] b, int at) {
        return new String(b, at, 4, StandardCharsets.ISO_8859_1);
    }

    /** A chunk: FourCC, size, payload, and the pad byte RIFF wants after an odd payload. */
    static void chunk(ByteArrayOutputStream out, String fourCc, byte[] data, int from, int length) {
        out.writeBytes(fourCc.getBytes(StandardCharsets.US_ASCII));
        writeLe32(out, length);
        out.write(data, from, length);
        if ((length & 1) == 1) {
            out.write(0);
        }
    }

    static void chunk(ByteArrayOutputStream out, String fourCc, byte[] data) {
        chunk(out, fourCc, data, 0, data.length);
    }

    /** RIFF/WEBP around the chunks in {@code body}. */
    static byte[] webp(ByteArrayOutputStream body) {
        ByteArrayOutputStream file = new ByteArrayOutputStream(body.size() + 12);
        file.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        writeLe32(file, 4 + body.size());
        file.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        file.writeBytes(body.toByteArray());
        return file.toByteArray();
    }

    /** Bytes a chunk of this payload size takes in the file: header, payload, padding. */
    static long span(long size) {
        return 8 + size + (size & 1);
    }
}
