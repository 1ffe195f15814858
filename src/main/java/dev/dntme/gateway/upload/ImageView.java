package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.consent.FlagSource;
import java.time.Instant;

/** The image JSON of the API (docs/api.md). */
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
        ProtectionReceipt receipt) {
}
