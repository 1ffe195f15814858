package dev.dntme.gateway.cloak;

import java.awt.image.BufferedImage;

/** Receives each cloaked frame, in order, to encode it into the published file. */
@FunctionalInterface
public interface FrameSink {

    void accept(int index, BufferedImage cloaked);
}
