package dev.dntme.gateway.cloak.attack;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Re-fits each face's 68 landmarks on the published pixels, as a scraper's pipeline would (its landmarks
 * see the cloaked face, not the original one); an entry is null where none could be fitted.
 */
@FunctionalInterface
public interface Realigner {
    List<float[]> realign(BufferedImage published, List<Rectangle2D> boxes);
}
