package dev.dntme.gateway.upload;

/**
 * @param replayed true when an earlier upload with the same Idempotency-Key answered this one
 * @param accepted true when the public copy is made by a background job (202, state processing)
 */
record UploadResult(ImageView image, boolean replayed, boolean accepted) {

    UploadResult(ImageView image, boolean replayed) {
        this(image, replayed, false);
    }
}
