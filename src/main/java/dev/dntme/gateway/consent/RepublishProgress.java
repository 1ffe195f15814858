package dev.dntme.gateway.consent;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Optional;

/**
 * How far applying a user's setting to their existing photos has come. Implemented by the feature that
 * does the work (protection), so that consent does not depend on it.
 */
public interface RepublishProgress {

    Optional<Progress> forUser(String userId);

    record Progress(
            @Schema(description = "`running` or `done`") String state,
            int done,
            int total,
            @Schema(description = "Photos whose cloak could not be made: their public copy was removed") int withheld) {}
}
