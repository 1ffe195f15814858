package dev.dntme.gateway.upload;

import dev.dntme.gateway.storage.ObjectStore;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
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
    ResponseEntity<ImageView> upload(
            @RequestPart("file") MultipartFile file,
            @RequestParam(name = "userId", required = false) String userId,
            @RequestParam(name = "dntMe", required = false) String dntMe,
            @RequestParam(name = "strength", required = false) String strength,
            @RequestHeader(name = "DNT-ME", required = false) String dntMeHeader,
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
    ImageView get(@PathVariable String id) {
        return uploads.view(find(id));
    }

    /** The clean original, byte for byte: platform-internal use only, never cached by intermediaries. */
    @GetMapping("/{id}/original")
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
    ResponseEntity<Void> delete(@PathVariable String id) {
        erasure.erase(id);
        return ResponseEntity.noContent().build();
    }

    private ImageRecord find(String id) {
        return catalog.find(id).filter(r -> r.state() != ImageState.DELETING)
                .orElseThrow(() -> new ApiException(Problem.NOT_FOUND, "No image with this id"));
    }
}
