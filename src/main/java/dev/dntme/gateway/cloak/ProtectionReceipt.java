package dev.dntme.gateway.cloak;

import java.util.List;

/**
 * What the cloak did to one published copy, measured on the published bytes.
 *
 * @param modelVersion the cloak model set that made it (re-cloak targets older versions)
 * @param strength     the protection level used
 * @param models       the recognisers in that level's loss, the one that decides failing closed first
 * @param faces        one entry per detected face (an animation or video: the faces of its least protected frame)
 * @param frames       an animation or video: what the check of every published frame measured (null for stills)
 */
public record ProtectionReceipt(String modelVersion, String strength, List<String> models, List<Face> faces, Frames frames) {

    public ProtectionReceipt(String modelVersion, String strength, List<String> models, List<Face> faces) {
        this(modelVersion, strength, models, faces, null);
    }

    /**
     * Measured on the decoded published file, frame by frame.
     *
     * @param total         frames in the published file
     * @param withFaces     frames in which a face was cloaked or the detector finds one in the published frame
     * @param facesChecked  face measurements made (every cloaked face and every face found in a published frame)
     * @param minDistance   the smallest embedding distance of any checked face from its original (fail bar: the
     *                      strength's); null when no frame shows a face
     * @param minSsim       the lowest face-region SSIM of any cloaked face (null: none)
     * @param meanSsim      the mean face-region SSIM of the cloaked faces (null: none)
     */
    public record Frames(int total, int withFaces, int facesChecked, Double minDistance, Double minSsim, Double meanSsim) {}

    /**
     * @param x,y,width,height   face box in published-image pixels
     * @param embeddingDistance  distance between the face's embedding in the published copy and in
     *                           the original (match threshold of the recognizer is 0.6)
     * @param ssim               structural similarity of the face region, published vs original
     */
    public record Face(int x, int y, int width, int height, double embeddingDistance, double ssim) {}
}
