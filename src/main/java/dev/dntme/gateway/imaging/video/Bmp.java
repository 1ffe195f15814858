package dev.dntme.gateway.imaging.video;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * An uncompressed 24-bit BMP of a TYPE_INT_RGB picture, written directly: ImageIO reads it back, and it costs a copy
 * where ImageIO's PNG writer cost more per 720p still than the video encoder did.
 */
final class Bmp {

    private static final int HEADER = 14 + 40;

    private Bmp() {
    }

    static byte[] encode(BufferedImage picture) {
        int w = picture.getWidth();
        int h = picture.getHeight();
        int[] pixels = ((DataBufferInt) RgbConverter.rgbPicture(picture).getRaster().getDataBuffer()).getData();
        int rowBytes = (3 * w + 3) & ~3;
        long size = HEADER + (long) rowBytes * h;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a " + w + "x" + h + " still does not fit one BMP");
        }
        byte[] bmp = new byte[(int) size];
        bmp[0] = 'B';
        bmp[1] = 'M';
        putLe32(bmp, 2, (int) size);
        putLe32(bmp, 10, HEADER);
        putLe32(bmp, 14, 40);
        putLe32(bmp, 18, w);
        putLe32(bmp, 22, h); // positive: rows bottom-up, the layout every BMP reader knows
        bmp[26] = 1; // planes
        bmp[28] = 24; // bits per pixel; compression 0 (BI_RGB)
        putLe32(bmp, 34, rowBytes * h);
        for (int y = 0; y < h; y++) {
            int at = HEADER + (h - 1 - y) * rowBytes;
            int from = y * w;
            for (int x = 0; x < w; x++) {
                int p = pixels[from + x];
                bmp[at++] = (byte) p;
                bmp[at++] = (byte) (p >> 8);
                bmp[at++] = (byte) (p >> 16);
            }
        }
        return bmp;
    }

    private static void putLe32(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >> 8);
        b[at + 2] = (byte) (value >> 16);
        b[at + 3] = (byte) (value >> 24);
    }
}
