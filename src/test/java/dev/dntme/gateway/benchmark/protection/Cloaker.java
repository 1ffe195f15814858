package dev.dntme.gateway.benchmark.protection;

import java.util.List;

/**
 * The publish path under test: original upload bytes in, published bytes out (or nothing, when the cloak
 * fails closed). The benchmark judges only what this returns.
 */
@FunctionalInterface
public interface Cloaker {

    Published publish(byte[] originalBytes);

    /** A short description of the cloak configuration for the report; the default says nothing. */
    default String describe() {
        return "";
    }

    /**
     * One publish.
     *
     * @param bytes   the published bytes; null when the cloak failed closed (nothing was published)
     * @param failure why it failed closed; null when it published
     * @param faces   the receipt's per-face figures (empty when failed closed)
     * @param millis  wall time of the publish call
     * @param steps   optimiser steps this photo took; -1 when not known
     * @param rounds  publish checks this photo took; -1 when not known
     */
    record Published(byte[] bytes, String failure, List<Face> faces, double millis, int steps, int rounds) {

        public static Published failedClosed(String why, double millis) {
            return new Published(null, why, List.of(), millis, -1, -1);
        }

        public boolean failedClosed() {
            return bytes == null;
        }
    }

    /**
     * One face of the receipt.
     *
     * @param ssim     face-region SSIM, published vs original
     * @param distance the cloak's own distance, published vs original (its recogniser)
     * @param box      the face box the service detected, in image pixels; null when the cloaker does not say
     */
    record Face(double ssim, double distance, java.awt.Rectangle box) {

        public Face(double ssim, double distance) {
            this(ssim, distance, null);
        }
    }
}
