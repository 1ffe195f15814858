package dev.dntme.gateway.imaging;

import java.awt.image.BufferedImage;

/**
 * A safely decoded upload: first frame only, EXIF orientation applied, no metadata carried.
 *
 * @param pixels              TYPE_INT_RGB, or TYPE_INT_ARGB when the source has transparency
 * @param format              the detected input format
 * @param dataMiningProhibited the photo's own XMP says {@code plus:DataMining = DMI-PROHIBITED*}
 */
public record DecodedImage(BufferedImage pixels, ImageFormat format, boolean dataMiningProhibited) {

    public int width() {
        return pixels.getWidth();
    }

    public int height() {
        return pixels.getHeight();
    }

    public boolean hasAlpha() {
        return pixels.getType() == BufferedImage.TYPE_INT_ARGB;
    }

    /** The colour channels alone, as the cloak engine wants them. */
    public BufferedImage rgb() {
        if (!hasAlpha()) {
            return pixels;
        }
        BufferedImage rgb = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width()];
        for (int y = 0; y < height(); y++) {
            pixels.getRGB(0, y, width(), 1, row, 0, width());
            rgb.setRGB(0, y, width(), 1, row, 0, width());
        }
        return rgb;
    }

    /** Puts this image's transparency back onto processed colour pixels of the same size. */
    public BufferedImage withOriginalAlpha(BufferedImage rgb) {
        if (!hasAlpha()) {
            return rgb;
        }
        BufferedImage argb = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_ARGB);
        int[] colour = new int[width()];
        int[] alpha = new int[width()];
        for (int y = 0; y < height(); y++) {
            rgb.getRGB(0, y, width(), 1, colour, 0, width());
            pixels.getRGB(0, y, width(), 1, alpha, 0, width());
            for (int x = 0; x < colour.length; x++) {
                colour[x] = (alpha[x] & 0xFF000000) | (colour[x] & 0x00FFFFFF);
            }
            argb.setRGB(0, y, width(), 1, colour, 0, width());
        }
        return argb;
    }
}
