package dev.dntme.gateway.cloak;

import java.util.List;

/**
 * What the cloak did to one published copy, measured on the published bytes.
 *
 * @param modelVersion the cloak model set that made it (re-cloak targets older versions)
 * @param strength     the budget level used
 * @param faces        one entry per detected face
 */
public record ProtectionReceipt(String modelVersion, String strength, List<Face> faces) {

    /**
     * @param x,y,width,height   face box in published-image pixels
     * @param embeddingDistance  distance between the face's embedding in the published copy and in
     *                           the original (match threshold of the recognizer is 0.6)
     * @param ssim               structural similarity of the face region, published vs original
     */
    public record Face(int x, int y, int width, int height, double embeddingDistance, double ssim) {}
}
