package dev.dntme.gateway.upload;

/** @param replayed true when an earlier upload with the same Idempotency-Key answered this one */
record UploadResult(ImageView image, boolean replayed) {}
