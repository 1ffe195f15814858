package dev.dntme.gateway.upload;

/** One upload as the client sent it; nothing here is trusted yet. */
record UploadCommand(
        String userId,
        byte[] bytes,
        String dntMeField,
        String dntMeHeader,
        String strength,
        String idempotencyKey) {
}
