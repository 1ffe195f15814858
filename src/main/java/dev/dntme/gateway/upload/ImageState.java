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
    /**
     * An animation or video whose original is stored and whose public copy a background job is making (the client got
     * 202 and polls). The row is the job: {@link MediaJobWorker} claims it with a lease, so a crashed worker's job is
     * taken over when the lease runs out; the sweeper never rolls it back.
     */
    PROCESSING,
    /** Public copy written; the client got (or will get on retry) a 201. */
    PUBLISHED,
    /**
     * The background job failed closed (a frame could not be protected, the engine stayed unavailable) or found the
     * upload bad part-way: nothing public, the original and any public object deleted. The row stays as a tombstone
     * with the failure so the client can read it; the sweeper removes it after {@code dntme.upload.rejected-retention},
     * and a retry with the same Idempotency-Key erases it and starts afresh.
     */
    REJECTED,
    /**
     * Flagged after upload (the user turned DNT-ME on) but the cloak could not be made: the clean public
     * copy was removed rather than left readable, the original is kept; a re-cloak retries it.
     */
    WITHHELD,
    /**
     * The request gave up and could not roll back (storage or catalog failing): objects may remain. The
     * sweeper, or the client's retry with the same Idempotency-Key, finishes the roll-back.
     */
    FAILED,
    /** Being erased: public copy first, then original, then the row. */
    DELETING
}
