package dev.dntme.gateway.imaging.video;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/** Turns a decoded picture upright as the container's display matrix asks (quarter turns only). */
final class Rotation {

    private Rotation() {
    }

    static BufferedImage turn(BufferedImage source, int clockwiseDegrees) {
        if (clockwiseDegrees == 0) {
            return source;
        }
        int w = source.getWidth();
        int h = source.getHeight();
        boolean quarter = clockwiseDegrees % 180 != 0;
        BufferedImage turned = new BufferedImage(quarter ? h : w, quarter ? w : h, BufferedImage.TYPE_INT_RGB);
        int[] from = ((DataBufferInt) source.getRaster().getDataBuffer()).getData();
        int[] to = ((DataBufferInt) turned.getRaster().getDataBuffer()).getData();
        int tw = turned.getWidth();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int at = switch (clockwiseDegrees) {
                    case 90 -> x * tw + (h - 1 - y);
                    case 180 -> (h - 1 - y) * tw + (w - 1 - x);
                    default -> (w - 1 - x) * tw + y;
                };
                to[at] = from[y * w + x];
            }
        }
        return turned;
    }
}
