package dev.dntme.gateway.cloak.attack;

import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;

/** Extracts a 150x150 CHW RGB 0..255 chip the way the recogniser being defeated would. */
@FunctionalInterface
public interface ChipExtractor {
    float[] extract(BufferedImage image, AffineTransform chipToImage);
}
