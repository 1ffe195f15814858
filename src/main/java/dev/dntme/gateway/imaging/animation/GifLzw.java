package dev.dntme.gateway.imaging.animation;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * GIF's variable-length LZW for 8-bit indices, written out as data sub-blocks. The code width follows the
 * decoder's rule (it grows when the decoder's next free code reaches 2^width); the table is reset with a clear code
 * when it is full.
 */
final class GifLzw {

    static final int MIN_CODE_SIZE = 8;
    private static final int CLEAR = 1 << MIN_CODE_SIZE;
    private static final int END = CLEAR + 1;
    private static final int MAX_CODES = 4096;
    private static final int SLOTS = 1 << 13;

    private final int[] slotKey = new int[SLOTS];
    private final int[] slotCode = new int[SLOTS];
    private final ByteArrayOutputStream packed = new ByteArrayOutputStream();
    private int bits;
    private int bitCount;
    private int codeSize;
    private int next;

    private GifLzw() {
    }

    /** The LZW minimum code size byte, the sub-blocks and their terminator. */
    static void write(byte[] indices, ByteArrayOutputStream out) {
        byte[] data = new GifLzw().compress(indices);
        out.write(MIN_CODE_SIZE);
        for (int at = 0; at < data.length; at += 255) {
            int size = Math.min(255, data.length - at);
            out.write(size);
            out.write(data, at, size);
        }
        out.write(0);
    }

    private byte[] compress(byte[] indices) {
        reset();
        emit(CLEAR);
        int prefix = indices[0] & 0xFF;
        for (int i = 1; i < indices.length; i++) {
            int k = indices[i] & 0xFF;
            int key = (prefix << 8) | k;
            int slot = find(key);
            if (slotKey[slot] != 0) {
                prefix = slotCode[slot];
                continue;
            }
            emit(prefix);
            slotKey[slot] = key + 1;
            slotCode[slot] = next++;
            // The decoder adds this entry one code later, so its width grows when it has seen next - 1 entries.
            if (next > (1 << codeSize) && codeSize < 12) {
                codeSize++;
            }
            if (next == MAX_CODES) {
                emit(CLEAR);
                reset();
            }
            prefix = k;
        }
        emit(prefix);
        // Reading the last code, the decoder adds its pending entry; that may widen the end code.
        if (next == (1 << codeSize) && codeSize < 12) {
            codeSize++;
        }
        emit(END);
        if (bitCount > 0) {
            packed.write(bits & 0xFF);
        }
        return packed.toByteArray();
    }

    private int find(int key) {
        int slot = ((key * 0x9E3779B1) >>> 19) & (SLOTS - 1);
        while (slotKey[slot] != 0 && slotKey[slot] != key + 1) {
            slot = (slot + 1) & (SLOTS - 1);
        }
        return slot;
    }

    private void reset() {
        Arrays.fill(slotKey, 0);
        codeSize = MIN_CODE_SIZE + 1;
        next = END + 1;
    }

    private void emit(int code) {
        bits |= code << bitCount;
        bitCount += codeSize;
        while (bitCount >= 8) {
            packed.write(bits & 0xFF);
            bits >>>= 8;
            bitCount -= 8;
        }
    }
}
