package dev.dntme.gateway.imaging;

/**
 * Counts the scans (SOS segments) of a JPEG without decoding it. A progressive decoder makes a pass over
 * the whole coefficient buffer per scan, so a small file that repeats a tiny scan thousands of times
 * costs minutes of CPU (measured: a 122 KB 4000x4000 file with 2,000 repeated 14-byte scans took
 * 184 s to decode). Honest encoders write 1 to about 12 scans.
 */
final class JpegScans {

    /** More scans than this and the JPEG is refused before decoding. */
    static final int MAX_SCANS = 64;

    private JpegScans() {
    }

    /** The number of scans, counting stops at {@code MAX_SCANS + 1}. */
    static int count(byte[] jpeg) {
        int scans = 0;
        int at = 2;
        while (at + 1 < jpeg.length && scans <= MAX_SCANS) {
            if ((jpeg[at] & 0xFF) != 0xFF) {
                at++; // entropy-coded data (or garbage): look for the next marker
                continue;
            }
            int marker = jpeg[at + 1] & 0xFF;
            if (marker == 0xFF) {
                at++;
            } else if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                at += 2; // stuffed byte, TEM, restart markers, SOI: no length
            } else if (marker == 0xD9) {
                break;
            } else {
                if (marker == 0xDA) {
                    scans++;
                }
                if (at + 3 >= jpeg.length) {
                    break;
                }
                at += 2 + (((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF));
            }
        }
        return scans;
    }
}
