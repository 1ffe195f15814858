package dev.dntme.gateway.upload;

import dev.dntme.gateway.storage.ObjectStore;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import dev.dntme.gateway.system.Problems;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@RequestMapping("/v1/images")
class ImageController {

    private static final String LOCATION = "/v1/images/{id} of the image";
    private static final String REPLAYED =
            "`true` when this answers a retry with an Idempotency-Key already used (nothing was published again)";

    private final UploadService uploads;
    private final ImageCatalog catalog;
    private final ImageErasure erasure;
    private final ObjectStore store;

    ImageController(UploadService uploads, ImageCatalog catalog, ImageErasure erasure, ObjectStore store) {
        this.uploads = uploads;
        this.catalog = catalog;
        this.erasure = erasure;
        this.store = store;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "201", description = "Created", headers = {
            @Header(name = "Location", description = LOCATION, schema = @Schema(type = "string")),
            @Header(name = "Idempotent-Replayed", description = REPLAYED, schema = @Schema(type = "boolean"))})
    @ApiResponse(responseCode = "202", description = "Accepted: an animation or video whose public copy a background job"
            + " makes (state `processing`); poll Location until `published` or `rejected`", headers = {
            @Header(name = "Location", description = LOCATION, schema = @Schema(type = "string")),
            @Header(name = "Idempotent-Replayed", description = REPLAYED, schema = @Schema(type = "boolean"))})
    @Problems({Problem.INVALID_REQUEST, Problem.MISSING_FILE, Problem.INVALID_USER_ID, Problem.INVALID_FLAG,
            Problem.INVALID_IDEMPOTENCY_KEY, Problem.CORRUPT_IMAGE, Problem.NOT_ACCEPTABLE, Problem.UPLOAD_IN_PROGRESS,
            Problem.PAYLOAD_TOO_LARGE, Problem.IMAGE_TOO_LARGE, Problem.UNSUPPORTED_MEDIA_TYPE,
            Problem.UNSUPPORTED_REQUEST_TYPE, Problem.IMAGE_DIMENSIONS, Problem.MEDIA_LIMITS,
            Problem.IDEMPOTENCY_KEY_REUSED, Problem.CLOAK_BUSY, Problem.CLOAK_UNAVAILABLE, Problem.CLOAK_FAILED})
    ResponseEntity<ImageView> upload(
            @Parameter(description = "The photo: JPEG, PNG, WebP or GIF (recognised by its bytes, not by the part's"
                    + " Content-Type); an animation (GIF, WebP, APNG) or a video (MP4, WebM, MOV) is answered 202")
            @RequestPart("file") MultipartFile file,
            // required in the contract, optional here: a missing userId is answered invalid-user-id, not Spring's 400
            @Parameter(description = "The platform's user id, 1-128 of `A-Z a-z 0-9 . _ @ : + -` (required)",
                    required = true)
            @RequestParam(name = "userId", required = false) String userId,
            @Parameter(description = "`true` / `false` (or `1` / `0`): the explicit flag for this upload (overrides"
                    + " everything else)", schema = @Schema(allowableValues = {"true", "false", "1", "0"}))
            @RequestParam(name = "dntMe", required = false) String dntMe,
            @Parameter(description = "`low`, `medium` or `high` (case-insensitive): the protection level of a flagged"
                    + " upload; a still without it takes the user's level, else the service default (`high`, cloaked in"
                    + " the background: 202), an animation or video `medium`",
                    schema = @Schema(allowableValues = {"low", "medium", "high"}))
            @RequestParam(name = "strength", required = false) String strength,
            @Parameter(description = "`1` flags the upload; `0` means no opinion (it cannot switch off a user's"
                    + " setting); `true` / `false` are read the same way")
            @RequestHeader(name = "DNT-ME", required = false) String dntMeHeader,
            @Parameter(description = "1-200 printable ASCII characters; the same key, user and bytes return the same"
                    + " image and publish nothing twice (a key reused for other bytes: 422 `idempotency-key-reused`)")
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) throws IOException {
        UploadResult result = uploads.upload(
                new UploadCommand(userId, file.getBytes(), dntMe, dntMeHeader, strength, idempotencyKey));
        // 202: an animation or video whose public copy a background job makes; the client polls Location.
        return ResponseEntity.status(result.accepted() ? HttpStatus.ACCEPTED : HttpStatus.CREATED)
                .location(URI.create("/v1/images/" + result.image().id()))
                .header("Idempotent-Replayed", Boolean.toString(result.replayed()))
                .body(result.image());
    }

    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Problems({Problem.NOT_FOUND, Problem.NOT_ACCEPTABLE})
    ImageView get(@PathVariable String id) {
        return uploads.view(find(id));
    }

    /** The clean original, byte for byte: platform-internal use only, never cached by intermediaries. */
    @GetMapping("/{id}/original")
    @ApiResponse(responseCode = "200", description = "OK", content = {
            @Content(mediaType = "image/jpeg", schema = @Schema(type = "string", format = "binary")),
            @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
            @Content(mediaType = "image/webp", schema = @Schema(type = "string", format = "binary")),
            @Content(mediaType = "image/gif", schema = @Schema(type = "string", format = "binary"))}, headers =
            @Header(name = "Cache-Control", description = "`no-store, private`: never cached by intermediaries",
                    schema = @Schema(type = "string")))
    @Problems(Problem.NOT_FOUND)
    ResponseEntity<byte[]> original(@PathVariable String id) {
        ImageRecord record = find(id);
        byte[] bytes = store.getOriginal(record.originalKey())
                .orElseThrow(() -> new ApiException(Problem.NOT_FOUND, "The original is not stored (yet)"));
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(record.originalContentType()))
                .cacheControl(CacheControl.noStore().cachePrivate())
                .body(bytes);
    }

    @DeleteMapping("/{id}")
    @ApiResponse(responseCode = "204", description = "No Content")
    @Problems({})
    ResponseEntity<Void> delete(@PathVariable String id) {
        erasure.erase(id);
        return ResponseEntity.noContent().build();
    }

    private ImageRecord find(String id) {
        return catalog.find(id).filter(r -> r.state() != ImageState.DELETING)
                .orElseThrow(() -> new ApiException(Problem.NOT_FOUND, "No image with this id"));
    }
}
