package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.consent.FlagSource;
import dev.dntme.gateway.imaging.media.MediaFormat;
import java.time.Instant;

/**
 * One catalog row.
 *
 * @param media    what an animation or video declared, and its job's progress; null for stills
 * @param failure  why its job was rejected; null unless {@link ImageState#REJECTED} (or being rejected)
 * @param strength the protection level asked for at upload (a re-publish uses it again); null for rows older than
 *                 levels on stills, which then take the configured default
 */
record ImageRecord(
        String id,
        String userId,
        String idempotencyKey,
        ImageState state,
        boolean dntMe,
        FlagSource flagSource,
        String originalKey,
        String originalSha256,
        String originalContentType,
        long originalSize,
        String publicKey,
        String contentType,
        int width,
        int height,
        int faces,
        String receiptJson,
        String cloakModelVersion,
        Instant createdAt,
        Instant updatedAt,
        Media media,
        Failure failure,
        CloakStrength strength) {

    /** A still. */
    ImageRecord(String id, String userId, String idempotencyKey, ImageState state, boolean dntMe, FlagSource flagSource,
            String originalKey, String originalSha256, String originalContentType, long originalSize, String publicKey,
            String contentType, int width, int height, int faces, String receiptJson, String cloakModelVersion,
            Instant createdAt, Instant updatedAt, CloakStrength strength) {
        this(id, userId, idempotencyKey, state, dntMe, flagSource, originalKey, originalSha256, originalContentType,
                originalSize, publicKey, contentType, width, height, faces, receiptJson, cloakModelVersion, createdAt,
                updatedAt, null, null, strength);
    }

    /**
     * @param format         the uploaded container (the public copy is {@code format.publicFormat()})
     * @param framesTotal    frames its header declares
     * @param framesDone     frames the job has finished so far
     * @param durationMillis play time of one loop
     */
    record Media(MediaFormat format, int framesTotal, int framesDone, long durationMillis) {}

    /** @param type an RFC 9457 type of {@link dev.dntme.gateway.system.Problem} */
    record Failure(String type, String detail) {}

    ImageRecord published(int faces, String receiptJson, String cloakModelVersion) {
        return new ImageRecord(id, userId, idempotencyKey, ImageState.PUBLISHED, dntMe, flagSource, originalKey,
                originalSha256, originalContentType, originalSize, publicKey, contentType, width, height, faces,
                receiptJson, cloakModelVersion, createdAt, Instant.now(), media, failure, strength);
    }

    ImageRecord in(ImageState other) {
        return new ImageRecord(id, userId, idempotencyKey, other, dntMe, flagSource, originalKey, originalSha256,
                originalContentType, originalSize, publicKey, contentType, width, height, faces, receiptJson,
                cloakModelVersion, createdAt, Instant.now(), media, failure, strength);
    }

    boolean isMedia() {
        return media != null;
    }
}
