package dev.dntme.gateway.upload;

/**
 * A claimed animation or video job: its row, how many attempts before this one ended in a retry, and the lease token
 * that every later change of the row is guarded by.
 */
record MediaJob(ImageRecord image, int attempts, String owner) {

    /** A rejection decided by an earlier attempt whose objects are gone but whose row change did not commit. */
    boolean rejecting() {
        return image.failure() != null;
    }
}
