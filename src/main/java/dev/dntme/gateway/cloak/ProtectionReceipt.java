package dev.dntme.gateway.cloak;

import io.swagger.v3.oas.annotations.media.Schema;
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
public record ProtectionReceipt(
        @Schema(description = "The cloak model set that made the copy, at most 100 characters (a re-cloak renews copies"
                + " of a version no level has now)")
        String modelVersion,
        @Schema(description = "Protection level used: `LOW`, `MEDIUM` or `HIGH`") String strength,
        @Schema(description = "The recognisers in that level's loss, the one whose distance is reported first")
        List<String> models,
        @Schema(description = "One entry per detected face") List<Face> faces,
        Frames frames) {

    public ProtectionReceipt(String modelVersion, String strength, List<String> models, List<Face> faces) {
        this(modelVersion, strength, models, faces, null);
    }

    /**
     * Measured on the decoded published file, frame by frame.
     *
     * @param total         frames in the published file
     * @param withFaces     frames in which a face was cloaked or the detector finds one in the published frame
     * @param facesChecked  faces checked, counted once per frame (a cloaked face, and a face the detector finds in a
     *                      published frame where none was cloaked)
     * @param minDistance   the smallest embedding distance of any checked face from its original (fail bar: the
     *                      strength's), obscured faces apart; null when no frame shows a face that is not obscured
     * @param minSsim       the lowest face-region SSIM of any cloaked face (null: none)
     * @param meanSsim      the mean face-region SSIM of the cloaked faces (null: none)
     * @param carried       frames whose faces kept the previous frame's cloak, checked, with no steps
     * @param repaired      frames in which a face needed the repair pass (a fresh start at the next level up)
     * @param obscured      faces, counted once per frame, obscured because no cloak could protect them
     */
    public record Frames(int total, int withFaces, int facesChecked, Double minDistance, Double minSsim, Double meanSsim,
            @Schema(description = "Frames whose faces kept the previous frame's cloak, checked, with no optimisation steps")
            int carried,
            @Schema(description = "Frames in which a face needed the repair pass (a fresh start at the next level up)")
            int repaired,
            @Schema(description = "Faces, counted once per frame, hidden because no cloak could protect them")
            int obscured) {

        public Frames(int total, int withFaces, int facesChecked, Double minDistance, Double minSsim, Double meanSsim) {
            this(total, withFaces, facesChecked, minDistance, minSsim, meanSsim, 0, 0, 0);
        }
    }

    /**
     * @param x,y,width,height   face box in published-image pixels
     * @param embeddingDistance  distance between the face's embedding in the published copy and in
     *                           the original (match threshold of the recognizer is 0.6)
     * @param ssim               structural similarity of the face region, published vs original
     * @param obscured           the face could not be cloaked past the bar, even by the repair pass, and was obscured
     *                           (a coarse mosaic or a flat fill) instead; its distance is measured the same way
     */
    public record Face(
            @Schema(description = "Left edge of the face box, in published-image pixels") int x,
            @Schema(description = "Top edge of the face box, in published-image pixels") int y,
            @Schema(description = "Width of the face box in pixels") int width,
            @Schema(description = "Height of the face box in pixels") int height,
            @Schema(description = "Distance between the face's recognition embedding in the published copy and in the"
                    + " original; the recognizer matches under 0.6, and a face under 0.65 is never published")
            double embeddingDistance,
            @Schema(description = "Structural similarity of the face region, published copy vs original") double ssim,
            @Schema(description = "The face could not be cloaked past the bar, even by the repair pass, and was hidden"
                    + " under a coarse mosaic or a flat fill instead (dntme.cloak.frames.hard-faces)")
            boolean obscured) {

        public Face(int x, int y, int width, int height, double embeddingDistance, double ssim) {
            this(x, y, width, height, embeddingDistance, ssim, false);
        }
    }
}
