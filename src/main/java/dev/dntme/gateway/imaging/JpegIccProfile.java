package dev.dntme.gateway.imaging;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Checks a JPEG's embedded ICC profile (APP2 {@code ICC_PROFILE} chunks) before the decoder reads it:
 * the JDK allocates the profile's declared size (its first four bytes) before reading it, so a 992-byte
 * file declaring a 2 GB profile made the decoder run out of memory. A profile that declares more bytes
 * than its chunks carry is a lie and the upload is refused.
 */
final class JpegIccProfile {

    private static final byte[] ICC = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);

    private JpegIccProfile() {
    }

    /** True when the ICC chunks' first four bytes declare more than all ICC chunks together hold. */
    static boolean declaresMoreThanItCarries(byte[] jpeg) {
        long carried = 0;
        long declared = 0;
        int at = 2;
        while (at + 3 < jpeg.length && (jpeg[at] & 0xFF) == 0xFF) {
            int marker = jpeg[at + 1] & 0xFF;
            if (marker == 0xFF) {
                at++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                break;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                at += 2;
                continue;
            }
            int end = at + 2 + (((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF));
            int data = at + 4 + ICC.length + 2; // identifier, chunk number, chunk count
            if (marker == 0xE2 && data <= Math.min(end, jpeg.length)
                    && Arrays.equals(jpeg, at + 4, at + 4 + ICC.length, ICC, 0, ICC.length)) {
                int chunkEnd = Math.min(end, jpeg.length);
                carried += chunkEnd - data;
                if (jpeg[data - 2] == 1 && data + 4 <= chunkEnd) {
                    declared = ((jpeg[data] & 0xFFL) << 24) | ((jpeg[data + 1] & 0xFF) << 16)
                            | ((jpeg[data + 2] & 0xFF) << 8) | (jpeg[data + 3] & 0xFF);
                }
            }
            at = end;
        }
        return declared > carried;
    }
}
