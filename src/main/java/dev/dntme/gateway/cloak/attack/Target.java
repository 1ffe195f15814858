package dev.dntme.gateway.cloak.attack;

import dev.dntme.gateway.cloak.recognition.Crop;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;

/**
 * A face to cloak: its box (for the receipt), where its dlib chip comes from, and its 68 landmarks, from
 * which every other recogniser's crop is fitted (null: every crop reads the dlib chip).
 */
public record Target(AffineTransform chipToImage, Rectangle box, float[] landmarks) {

    public Target(AffineTransform chipToImage, Rectangle box) {
        this(chipToImage, box, null);
    }

    /** Where {@code crop}'s chip of this face comes from. */
    AffineTransform chipToImage(Crop crop) {
        return crop.equals(Crop.DLIB) || landmarks == null ? chipToImage : crop.chipToImage(landmarks);
    }
}
