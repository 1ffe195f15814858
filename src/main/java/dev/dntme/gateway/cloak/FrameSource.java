package dev.dntme.gateway.cloak;

import java.awt.image.BufferedImage;

/** The frames of an animation or video, in display order, as the cloak engine reads them. */
@FunctionalInterface
public interface FrameSource {

    /** The next frame (TYPE_INT_RGB, every frame the same size), or null after the last one. */
    BufferedImage next();
}
