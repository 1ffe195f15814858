package dev.dntme.gateway.cloak.attack;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * How a scraper's pipeline could align each face of the published pixels: per face box, the 68-landmark sets
 * fitted on the published photo (its landmarks see the cloaked face, not the original one; its detectors may
 * frame it differently). The publish check measures every one of them besides the face's own alignment.
 */
@FunctionalInterface
public interface Realigner {
    List<List<float[]>> realign(BufferedImage published, List<Rectangle2D> boxes);

    /**
     * {@link #realign}, and the faces the re-detection found that overlap none of the boxes: a frame's check learns
     * from them that a face entered which the tracked boxes do not cover. A realigner that does not detect finds none.
     */
    default Realigned realignAll(BufferedImage published, List<Rectangle2D> boxes) {
        return new Realigned(realign(published, boxes), List.of());
    }

    record Realigned(List<List<float[]>> alignments, List<Rectangle2D> others) {}
}
