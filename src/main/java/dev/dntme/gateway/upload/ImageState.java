package dev.dntme.gateway.upload;

/**
 * Where an image is in its life. Every state is recoverable without a person: see
 * {@link StaleUploadSweeper} and docs/architecture.md.
 */
enum ImageState {
    /** Row written, original not yet (or not known to be) in the private bucket. */
    RECEIVED,
    /** Original durably stored; the public copy is being made. The client has not had a 201. */
    STORED,
    /** Public copy written; the client got (or will get on retry) a 201. */
    PUBLISHED,
    /**
     * The request gave up and could not roll back (storage or catalog failing): objects may remain. The
     * sweeper, or the client's retry with the same Idempotency-Key, finishes the roll-back.
     */
    FAILED,
    /** Being erased: public copy first, then original, then the row. */
    DELETING
}
