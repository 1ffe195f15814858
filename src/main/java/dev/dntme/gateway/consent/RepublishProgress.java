package dev.dntme.gateway.consent;

import java.util.Optional;

/**
 * How far applying a user's setting to their existing photos has come. Implemented by the feature that
 * does the work (protection), so that consent does not depend on it.
 */
public interface RepublishProgress {

    Optional<Progress> forUser(String userId);

    /** @param state {@code running} or {@code done} */
    record Progress(String state, int done, int total, int withheld) {}
}
