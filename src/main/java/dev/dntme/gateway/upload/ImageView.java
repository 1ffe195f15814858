package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.consent.FlagSource;
import java.time.Instant;

/**
 * The image JSON of the API (docs/api.md).
 *
 * @param progress animations and videos only: how far their job is
 * @param media    animations and videos only: what their header declares
 * @param failure  rejected images only: why nothing was published
 */
record ImageView(
        String id,
        String userId,
        boolean dntMe,
        FlagSource flagSource,
        String state,
        String publicUrl,
        int faces,
        int width,
        int height,
        String contentType,
        Instant createdAt,
        ProtectionReceipt receipt,
        MediaProgress progress,
        MediaInfo media,
        JobFailure failure) {

    record MediaProgress(int framesDone, int framesTotal) {}

    /** @param format the uploaded container: gif, apng, webp, mp4, webm or mov */
    record MediaInfo(String format, int frames, long durationMillis) {}

    /** The RFC 9457 problem the job ended with. */
    record JobFailure(String type, String title, String detail) {}
}
