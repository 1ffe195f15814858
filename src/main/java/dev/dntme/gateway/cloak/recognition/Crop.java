package dev.dntme.gateway.cloak.recognition;

import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.nets.surrogates.FivePointCrop;
import java.awt.geom.AffineTransform;
import java.util.function.Function;

/**
 * Where a recogniser's input comes from: a 150x150 chip of the face, aligned by the recogniser's own
 * template from the 68 landmarks. Every recogniser reads such a chip (0..255 RGB, CHW) and resamples it
 * to its own input size itself, so that the cloak's warp, EOT and publish correction work on one chip
 * size for all of them; recognisers that share a crop share its chips.
 *
 * @param name         identifies the crop (two recognisers with the same name read the same chips)
 * @param fromLandmarks 68 landmarks (x, y interleaved, image pixels) to the chip-to-image transform
 */
public record Crop(String name, Function<float[], AffineTransform> fromLandmarks) {

    /** dlib's 150x150 chip (face_recognition's alignment). */
    public static final Crop DLIB = new Crop("dlib-150", FaceAligner::chipToImage);

    /** ArcFace's 5-point 112x112 crop, upsampled into the 150 chip. */
    public static final Crop ARCFACE_112 = new Crop("arcface-112", FivePointCrop::arcFaceChipToImage);

    public AffineTransform chipToImage(float[] landmarks68) {
        return fromLandmarks.apply(landmarks68);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Crop c && c.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
