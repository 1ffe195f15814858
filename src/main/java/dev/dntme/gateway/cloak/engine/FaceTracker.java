package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.face.Boxes;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LocatedFace;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows the faces of the previous frame into the next without running the detector: the 68 landmarks are re-fitted
 * in each face's last box, and the box moves and scales with them. A track is lost (the caller detects instead) when
 * no landmarks fit, or when the box would move so far that the landmark net, which only sees the old box, may have
 * followed something else. A face that enters is not seen here: the frame's publish check re-detects on the published
 * pixels and reports faces outside the tracked boxes, and the detector also runs every few frames.
 */
final class FaceTracker {

    /** A followed box keeps at least this overlap with the last one, or the track counts as lost. */
    static final double MIN_STEP_IOU = 0.5;

    private final FaceLocator locator;

    FaceTracker(FaceLocator locator) {
        this.locator = locator;
    }

    /**
     * The tracked faces in {@code frame}, in the order of {@code tracks}, or null when any of them is lost.
     */
    List<LocatedFace> follow(BufferedImage frame, List<FrameSequence.Track> tracks) {
        List<Rectangle2D> boxes = new ArrayList<>();
        tracks.forEach(t -> boxes.add(t.box()));
        List<float[]> fitted = locator.realignLandmarks(frame, boxes);
        List<LocatedFace> faces = new ArrayList<>();
        Rectangle2D bounds = new Rectangle2D.Double(0, 0, frame.getWidth(), frame.getHeight());
        for (int i = 0; i < tracks.size(); i++) {
            float[] points = fitted.get(i);
            FrameSequence.Track t = tracks.get(i);
            if (points == null) {
                return null;
            }
            Rectangle2D box = moved(t.box(), t.landmarks(), points).createIntersection(bounds);
            if (box.isEmpty() || Boxes.iou(box, t.box()) < MIN_STEP_IOU) {
                return null;
            }
            faces.add(new LocatedFace(box, t.score(), points, FaceAligner.chipToImage(points)));
        }
        return faces;
    }

    /** {@code box} shifted by the landmarks' mean displacement and scaled by the change of their spread. */
    static Rectangle2D moved(Rectangle2D box, float[] before, float[] after) {
        double[] a = stats(before);
        double[] b = stats(after);
        double scale = a[2] > 1e-6 ? b[2] / a[2] : 1.0;
        double w = box.getWidth() * scale;
        double h = box.getHeight() * scale;
        double cx = box.getCenterX() + (b[0] - a[0]);
        double cy = box.getCenterY() + (b[1] - a[1]);
        return new Rectangle2D.Double(cx - w / 2, cy - h / 2, w, h);
    }

    /** Mean x, mean y and root-mean-square distance from the mean of 68 points. */
    private static double[] stats(float[] points) {
        int n = points.length / 2;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += points[2 * i];
            my += points[2 * i + 1];
        }
        mx /= n;
        my /= n;
        double spread = 0;
        for (int i = 0; i < n; i++) {
            double dx = points[2 * i] - mx;
            double dy = points[2 * i + 1] - my;
            spread += dx * dx + dy * dy;
        }
        return new double[] {mx, my, Math.sqrt(spread / n)};
    }
}
