package dev.dntme.gateway.cloak.face;

import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;

/**
 * One face found by {@link FaceLocator}. All coordinates are pixels of the image given to
 * {@link FaceLocator#locate}, with pixel centres at integer coordinates.
 *
 * @param box          detection box, clipped to the image
 * @param score        detector confidence in (0,1]
 * @param landmarks    68 iBUG points, {@code x0,y0,x1,y1,...} (136 floats); 36-41 image-left eye,
 *                     42-47 image-right eye, 30 nose tip, 33 nose base, 48-67 mouth
 * @param chipToImage  maps a pixel of the 150x150 aligned chip to the image, see {@link FaceAligner}
 */
public record LocatedFace(Rectangle2D box, float score, float[] landmarks, AffineTransform chipToImage) {

    public LocatedFace {
        if (landmarks.length != LandmarkNet.POINTS * 2) {
            throw new IllegalArgumentException("expected 136 landmark coordinates, got " + landmarks.length);
        }
        box = (Rectangle2D) box.clone();
        landmarks = landmarks.clone();
        chipToImage = new AffineTransform(chipToImage);
    }

    /** A copy: the record stays immutable. */
    @Override
    public float[] landmarks() {
        return landmarks.clone();
    }

    /** A copy: the record stays immutable. */
    @Override
    public AffineTransform chipToImage() {
        return new AffineTransform(chipToImage);
    }

    /** A copy: the record stays immutable. */
    @Override
    public Rectangle2D box() {
        return (Rectangle2D) box.clone();
    }

    /** Landmark {@code i} (0..67) in image pixels. */
    public Point2D landmark(int i) {
        return new Point2D.Float(landmarks[2 * i], landmarks[2 * i + 1]);
    }
}
