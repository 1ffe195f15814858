package dev.dntme.gateway.upload;

import dev.dntme.gateway.consent.FlagSource;
import java.time.Instant;

/** One catalog row. */
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
        Instant updatedAt) {

    ImageRecord published(int faces, String receiptJson, String cloakModelVersion) {
        return new ImageRecord(id, userId, idempotencyKey, ImageState.PUBLISHED, dntMe, flagSource, originalKey,
                originalSha256, originalContentType, originalSize, publicKey, contentType, width, height, faces,
                receiptJson, cloakModelVersion, createdAt, Instant.now());
    }
}
