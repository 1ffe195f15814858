package dev.dntme.gateway.cloak.nets.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A reader of the protobuf wire format (varint, 64-bit, length-delimited, 32-bit fields), enough to walk
 * an ONNX {@code ModelProto}. Hand-written so that the gateway needs no protobuf runtime or generated
 * classes for the few messages it reads; unknown fields are skipped, as protobuf requires.
 *
 * <p>Usage: {@code while (r.next()) switch (r.field()) { case 1 -> r.string(); ... default -> r.skip(); }}.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int I32 = 5;

    private final ByteBuffer buf;
    private int field;
    private int wireType;

    ProtoReader(ByteBuffer buf) {
        this.buf = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    ProtoReader(byte[] bytes) {
        this(ByteBuffer.wrap(bytes));
    }

    /** Reads the next field's tag; false at the end of the message. */
    boolean next() {
        if (!buf.hasRemaining()) {
            return false;
        }
        long tag = varint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field == 0) {
            throw new IllegalArgumentException("malformed protobuf: field number 0 at byte " + buf.position());
        }
        return true;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = buf.get();
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("malformed protobuf: varint longer than 10 bytes");
    }

    /** An int64/int32 field (protobuf encodes negative int32 values as 10-byte varints too). */
    long int64() {
        expect(VARINT);
        return varint();
    }

    float float32() {
        expect(I32);
        return buf.getFloat();
    }

    /** The bytes of a length-delimited field, as a little-endian view (no copy). */
    ByteBuffer bytes() {
        expect(LEN);
        int length = Math.toIntExact(varint());
        if (length < 0 || length > buf.remaining()) {
            throw new IllegalArgumentException("malformed protobuf: length " + length + " past the end of the message");
        }
        ByteBuffer view = buf.slice().limit(length).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(buf.position() + length);
        return view;
    }

    String string() {
        ByteBuffer b = bytes();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, java.nio.charset.StandardCharsets.UTF_8);
    }

    ProtoReader message() {
        return new ProtoReader(bytes());
    }

    /** A repeated int64 field: packed (one LEN field) or not (one VARINT per element); appends to {@code out}. */
    void int64s(LongList out) {
        if (wireType == LEN) {
            ProtoReader packed = message();
            while (packed.buf.hasRemaining()) {
                out.add(packed.varint());
            }
        } else {
            out.add(int64());
        }
    }

    /** A repeated float field, packed or not; appends to {@code out}. */
    void floats(FloatList out) {
        if (wireType == LEN) {
            ByteBuffer b = bytes();
            while (b.hasRemaining()) {
                out.add(b.getFloat());
            }
        } else {
            out.add(float32());
        }
    }

    /** A repeated double field, packed or not; appends to {@code out} (narrowed: ONNX graphs here compute in float32). */
    void doubles(FloatList out) {
        if (wireType == LEN) {
            ByteBuffer b = bytes();
            while (b.hasRemaining()) {
                out.add((float) b.getDouble());
            }
        } else {
            expect(I64);
            out.add((float) buf.getDouble());
        }
    }

    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case I64 -> buf.position(buf.position() + 8);
            case LEN -> bytes();
            case I32 -> buf.position(buf.position() + 4);
            default -> throw new IllegalArgumentException("malformed protobuf: unsupported wire type " + wireType
                    + " (field " + field + ")");
        }
    }

    private void expect(int type) {
        if (wireType != type) {
            throw new IllegalArgumentException("malformed protobuf: field " + field + " has wire type " + wireType
                    + ", expected " + type);
        }
    }

    /** A growable long array (no boxing for the long repeated fields of big tensors). */
    static final class LongList {
        private long[] a = new long[8];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, 2 * n);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    /** A growable float array. */
    static final class FloatList {
        private float[] a = new float[8];
        private int n;

        void add(float v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, 2 * n);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
