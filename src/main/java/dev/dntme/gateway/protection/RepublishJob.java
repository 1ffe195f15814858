package dev.dntme.gateway.protection;

import java.time.Instant;

/**
 * One background job. The cursor (created_at, id of the last image handled) makes it resumable: after a
 * restart it goes on from there, oldest first, and never starts over.
 */
record RepublishJob(
        String id,
        Kind kind,
        String userId,
        Boolean targetDntMe,
        String modelVersion,
        State state,
        int total,
        int done,
        int withheld,
        Instant cursorCreatedAt,
        String cursorId) {

    enum Kind { USER_SETTING, RECLOAK }

    enum State { RUNNING, DONE }

    static String userJobId(String userId) {
        return "user:" + userId;
    }

    static String recloakJobId(String modelVersion) {
        return "recloak:" + modelVersion;
    }
}
