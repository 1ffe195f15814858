package dev.dntme.gateway.imaging.animation;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Arrays;

/**
 * The picture a viewer sees while an animation plays: non-premultiplied ARGB, fully transparent black where no frame
 * has drawn yet or a disposal has cleared (browsers ignore a GIF's background colour and clear to transparent).
 */
final class Canvas {

    final int width;
    final int height;
    private final int[] argb;
    private final boolean alpha;

    Canvas(int width, int height, boolean alpha) {
        this.width = width;
        this.height = height;
        this.argb = new int[Math.multiplyExact(width, height)];
        this.alpha = alpha;
    }

    /** A copy of the canvas: TYPE_INT_ARGB for an animation with transparency, else TYPE_INT_RGB. */
    BufferedImage snapshot() {
        BufferedImage out = new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        int[] target = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        if (alpha) {
            System.arraycopy(argb, 0, target, 0, argb.length);
        } else {
            for (int i = 0; i < argb.length; i++) {
                target[i] = argb[i] & 0xFFFFFF;
            }
        }
        return out;
    }

    int[] copy(int x, int y, int w, int h) {
        int[] region = new int[w * h];
        for (int row = 0; row < h; row++) {
            System.arraycopy(argb, (y + row) * width + x, region, row * w, w);
        }
        return region;
    }

    void put(int x, int y, int w, int h, int[] region) {
        for (int row = 0; row < h; row++) {
            System.arraycopy(region, row * w, argb, (y + row) * width + x, w);
        }
    }

    void clear(int x, int y, int w, int h) {
        for (int row = 0; row < h; row++) {
            int from = (y + row) * width + x;
            Arrays.fill(argb, from, from + w, 0);
        }
    }

    /** GIF drawing: opaque pixels replace, transparent ones leave the canvas as it is. */
    void drawOpaque(int x, int y, int w, int h, int[] pixels) {
        for (int row = 0; row < h; row++) {
            int target = (y + row) * width + x;
            for (int col = 0; col < w; col++) {
                int p = pixels[row * w + col];
                if ((p >>> 24) != 0) {
                    argb[target + col] = p | 0xFF000000;
                }
            }
        }
    }

    /** APNG blend_op OVER: non-premultiplied source-over, as the APNG specification gives it. */
    void drawOver(int x, int y, int w, int h, int[] pixels) {
        for (int row = 0; row < h; row++) {
            int target = (y + row) * width + x;
            for (int col = 0; col < w; col++) {
                int src = pixels[row * w + col];
                int sa = src >>> 24;
                if (sa == 255) {
                    argb[target + col] = src;
                } else if (sa != 0) {
                    argb[target + col] = over(src, argb[target + col]);
                }
            }
        }
    }

    private static int over(int src, int dst) {
        int sa = src >>> 24;
        int da = dst >>> 24;
        int dw = da * (255 - sa); // destination weight, scaled by 255
        int outScaled = sa * 255 + dw;
        if (outScaled == 0) {
            return 0;
        }
        int out = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            int sc = (src >> shift) & 0xFF;
            int dc = (dst >> shift) & 0xFF;
            int c = (sc * sa * 255 + dc * dw + outScaled / 2) / outScaled;
            out |= c << shift;
        }
        return out | (((outScaled + 127) / 255) << 24);
    }
}
