package dev.dntme.gateway.cloak.face;

import java.awt.geom.Rectangle2D;

/** How much two face boxes overlap: the one measure every matching of detections, tracks and targets uses. */
public final class Boxes {

    private Boxes() {}

    /** Intersection over union; 0 for boxes that do not meet. */
    public static double iou(Rectangle2D a, Rectangle2D b) {
        Rectangle2D i = a.createIntersection(b);
        if (i.isEmpty()) {
            return 0;
        }
        double inter = i.getWidth() * i.getHeight();
        return inter / (a.getWidth() * a.getHeight() + b.getWidth() * b.getHeight() - inter);
    }
}
