package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.consent.FlagSource;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * The image JSON of the API (docs/api.md). The descriptions are the contract's words (docs/openapi.yaml).
 */
record ImageView(
        @Schema(description = "The image id (also in Location)") String id,
        @Schema(description = "The platform's user id given at upload") String userId,
        @Schema(description = "Whether the photo is flagged: its public copy is cloaked") boolean dntMe,
        @Schema(description = "Which rule decided the flag, first match wins: the `dntMe` field, the `DNT-ME: 1` header,"
                + " the photo's own XMP (`plus:DataMining` DMI-PROHIBITED*), the user's setting, off")
        FlagSource flagSource,
        @Schema(description = "`published` (public copy readable at publicUrl), `withheld` (flagged after upload and the"
                + " cloak could not be made: no public copy), `processing` (an animation or video answered 202: its"
                + " public copy is being made in the background; poll this URL), `rejected` (its background job failed"
                + " closed or found the upload bad: nothing published, original deleted; see failure), or, while an"
                + " upload is unfinished or being rolled back, `received`, `stored`, `failed`")
        String state,
        @Schema(description = "Anonymous URL of the public copy (what the CDN serves); absent unless published")
        String publicUrl,
        @Schema(description = "Faces found (flagged photos; 0 for unflagged ones, which are not searched)") int faces,
        @Schema(description = "Width of the public copy in pixels") int width,
        @Schema(description = "Height of the public copy in pixels") int height,
        @Schema(description = "Media type of the public copy (stills: JPEG stays JPEG, PNG stays PNG, WebP becomes JPEG,"
                + " GIF becomes PNG; animations and videos keep their container, MOV becomes MP4)")
        String contentType,
        Instant createdAt,
        @Schema(description = "Present for flagged images: what the cloak did, measured on the published bytes")
        ProtectionReceipt receipt,
        @Schema(description = "Animations and videos only: frames of the public copy made so far")
        MediaProgress progress,
        @Schema(description = "Animations and videos only: what the upload's headers declare") MediaInfo media,
        @Schema(description = "Rejected images only: why nothing was published (the record is kept for 7 days)")
        JobFailure failure) {

    record MediaProgress(
            @Schema(description = "Frames finished (cloaked when flagged) so far") int framesDone,
            @Schema(description = "Frames in all") int framesTotal) {}

    record MediaInfo(
            @Schema(description = "The uploaded container: `gif`, `apng`, `webp`, `mp4`, `webm` or `mov`") String format,
            @Schema(description = "Frames") int frames,
            @Schema(description = "Play time of one loop in milliseconds") long durationMillis) {}

    /** The RFC 9457 problem the job ended with. */
    record JobFailure(
            @Schema(description = "A problem type (`urn:dntme:problem:…`, see the Problem schema), e.g. `cloak-failed`")
            String type,
            @Schema(description = "Short summary of the type") String title,
            @Schema(description = "What happened in this case") String detail) {}
}
