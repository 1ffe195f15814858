package dev.dntme.gateway.system;

import java.net.URI;
import java.util.OptionalInt;
import org.springframework.http.HttpStatus;

/**
 * Every failure a client can see, with its stable RFC 9457 {@code type}, status and title.
 *
 * <p>Clients branch on {@link #type()}; the strings are part of the API contract (docs/api.md lists
 * them), so never rename one.
 */
public enum Problem {
    UNAUTHORIZED("unauthorized", HttpStatus.UNAUTHORIZED, "Missing or invalid API token"),
    FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "Token lacks the scope this call needs"),
    INVALID_REQUEST("invalid-request", HttpStatus.BAD_REQUEST, "The request is malformed"),
    MISSING_FILE("missing-file", HttpStatus.BAD_REQUEST, "The multipart part 'file' is required"),
    INVALID_USER_ID("invalid-user-id", HttpStatus.BAD_REQUEST, "userId is missing or malformed"),
    INVALID_FLAG("invalid-flag", HttpStatus.BAD_REQUEST, "DNT-ME flag value is not understood"),
    INVALID_IDEMPOTENCY_KEY("invalid-idempotency-key", HttpStatus.BAD_REQUEST, "Idempotency-Key is malformed"),
    CORRUPT_IMAGE("corrupt-image", HttpStatus.BAD_REQUEST, "The image data could not be decoded"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            "Only JPEG, PNG, WebP and GIF images, and MP4, WebM and MOV videos are accepted"),
    UNSUPPORTED_REQUEST_TYPE("unsupported-request-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            "The request body's Content-Type is not accepted here"),
    PAYLOAD_TOO_LARGE("payload-too-large", HttpStatus.CONTENT_TOO_LARGE, "The upload exceeds the byte limit"),
    IMAGE_TOO_LARGE("image-too-large", HttpStatus.CONTENT_TOO_LARGE, "The image has too many pixels"),
    IMAGE_DIMENSIONS("image-dimensions", HttpStatus.UNPROCESSABLE_CONTENT,
            "The image's width or height is outside the accepted range"),
    MEDIA_LIMITS("media-limits", HttpStatus.UNPROCESSABLE_CONTENT,
            "The animation or video exceeds a limit on frames, duration, frame rate or pixels"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", HttpStatus.UNPROCESSABLE_CONTENT,
            "This Idempotency-Key was already used for a different photo"),
    UPLOAD_IN_PROGRESS("upload-in-progress", HttpStatus.CONFLICT,
            "An upload with this Idempotency-Key is still being processed", 2),
    NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "No such resource"),
    METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "This API answers only in JSON"),
    CLOAK_BUSY("cloak-busy", HttpStatus.TOO_MANY_REQUESTS,
            "Every cloak worker is busy and the queue is full; retry after the indicated delay", 5),
    CLOAK_UNAVAILABLE("cloak-unavailable", HttpStatus.SERVICE_UNAVAILABLE,
            "The cloak engine is not ready; the flagged photo was not published", 30),
    CLOAK_FAILED("cloak-failed", HttpStatus.SERVICE_UNAVAILABLE,
            "The photo's faces could not be protected; nothing was published", 30),
    STORAGE_UNAVAILABLE("storage-unavailable", HttpStatus.SERVICE_UNAVAILABLE,
            "Storage is unavailable; nothing was published, retry with the same Idempotency-Key", 5),
    INTERNAL("internal", HttpStatus.INTERNAL_SERVER_ERROR, "Unexpected error; nothing was published");

    private static final String TYPE_PREFIX = "urn:dntme:problem:";

    private final String slug;
    private final HttpStatus status;
    private final String title;
    private final OptionalInt retryAfterSeconds;

    Problem(String slug, HttpStatus status, String title) {
        this(slug, status, title, OptionalInt.empty());
    }

    /** A problem a retry may cure: every answer of it carries Retry-After, and the contract says so. */
    Problem(String slug, HttpStatus status, String title, int retryAfterSeconds) {
        this(slug, status, title, OptionalInt.of(retryAfterSeconds));
    }

    Problem(String slug, HttpStatus status, String title, OptionalInt retryAfterSeconds) {
        this.slug = slug;
        this.status = status;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public URI type() {
        return URI.create(TYPE_PREFIX + slug);
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String slug() {
        return slug;
    }

    /** The Retry-After of every answer with this problem; empty for those a retry cannot cure. */
    public OptionalInt retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
