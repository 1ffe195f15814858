package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.consent.FlagSource;
import dev.dntme.gateway.imaging.DecodedImage;
import dev.dntme.gateway.imaging.ImageDecoder;
import dev.dntme.gateway.storage.CdnPurge;
import dev.dntme.gateway.storage.ObjectStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * What other features may do with stored images: page through them and re-publish one from its
 * original. Re-publishing overwrites the public object under the same key (an S3 PUT replaces an object
 * atomically: readers get the old or the new copy, never a partial one), then tells the CDN to drop it.
 */
@Service
public class PublishedImages {

    private static final Logger log = LoggerFactory.getLogger(PublishedImages.class);

    /** An image as the background jobs see it. */
    public record StoredImage(String id, String userId, boolean dntMe, FlagSource flagSource, Instant createdAt,
            String cloakModelVersion, boolean withheld) {}

    public enum Outcome { REPUBLISHED, WITHHELD, GONE }

    private final ImageCatalog catalog;
    private final ObjectStore store;
    private final ImageDecoder decoder;
    private final PublicCopyRenderer renderer;
    private final ImageErasure erasure;
    private final CdnPurge cdn;
    private final UploadProperties properties;
    private final JsonMapper json;

    PublishedImages(ImageCatalog catalog, ObjectStore store, ImageDecoder decoder, PublicCopyRenderer renderer,
            ImageErasure erasure, CdnPurge cdn, UploadProperties properties, JsonMapper json) {
        this.catalog = catalog;
        this.store = store;
        this.decoder = decoder;
        this.renderer = renderer;
        this.erasure = erasure;
        this.cdn = cdn;
        this.properties = properties;
        this.json = json;
    }

    public List<StoredImage> userImagesAfter(String userId, Instant createdAt, String id, int limit) {
        return catalog.userImagesAfter(userId, createdAt, id, limit).stream().map(PublishedImages::stored).toList();
    }

    public int countUserImages(String userId) {
        return catalog.countUserImages(userId);
    }

    public List<StoredImage> outdatedCloaksAfter(String modelVersion, Instant createdAt, String id, int limit) {
        return catalog.outdatedCloaksAfter(modelVersion, createdAt, id, limit).stream()
                .map(PublishedImages::stored).toList();
    }

    public int countOutdatedCloaks(String modelVersion) {
        return catalog.countOutdatedCloaks(modelVersion);
    }

    /**
     * Makes the image's public copy again from its original: cloaked when {@code dntMe}, clean otherwise.
     * A flagged copy whose cloak cannot be made is withheld (public object deleted), never left clean.
     *
     * @throws dev.dntme.gateway.cloak.CloakUnavailableException when the engine is not ready: nothing
     *         changed, try again later
     */
    public Outcome republish(String id, boolean dntMe, FlagSource source) {
        Optional<ImageRecord> found = catalog.find(id)
                .filter(r -> r.state() == ImageState.PUBLISHED || r.state() == ImageState.WITHHELD);
        if (found.isEmpty()) {
            return Outcome.GONE;
        }
        ImageRecord record = found.get();
        if (record.isMedia()) {
            return republishMedia(record, dntMe, source);
        }
        Optional<byte[]> original = store.getOriginal(record.originalKey());
        if (original.isEmpty()) {
            log.error("image {} has no original; it cannot be re-published", record.id());
            return Outcome.GONE;
        }
        DecodedImage image = decoder.decode(original.get());
        PublicCopy copy;
        try {
            copy = renderer.render(image, dntMe, properties.defaultStrength());
        } catch (CloakFailedException failed) {
            store.deletePublic(record.publicKey());
            catalog.markWithheld(record.id(), dntMe, source);
            cdn.purge(store.publicUrl(record.publicKey()));
            log.warn("image {} withheld: its cloak could not be made ({})", record.id(), failed.getMessage());
            return Outcome.WITHHELD;
        }
        store.putPublic(record.publicKey(), copy.bytes(), copy.format().mediaType());
        boolean updated = catalog.markRepublished(record.id(), dntMe, source, copy.faces(),
                copy.receipt() == null ? null : json.writeValueAsString(copy.receipt()),
                copy.receipt() == null ? null : copy.receipt().modelVersion());
        if (!updated) {
            store.deletePublic(record.publicKey()); // erased while we worked: do not resurrect it
            return Outcome.GONE;
        }
        cdn.purge(store.publicUrl(record.publicKey()));
        return Outcome.REPUBLISHED;
    }

    /**
     * The still path cannot re-make an animation or a video (it would publish one frame), and re-cloaking media is
     * left for later. So: a clean copy that must now be cloaked is withheld (public object deleted, fail closed, until
     * a media re-cloak exists); a cloaked one stays as it is (turning DNT-ME off leaves it cloaked, and a model upgrade
     * does not renew it: the re-cloak queries leave media out).
     */
    private Outcome republishMedia(ImageRecord record, boolean dntMe, FlagSource source) {
        if (!dntMe || (record.dntMe() && record.state() == ImageState.PUBLISHED)
                || record.state() == ImageState.WITHHELD) {
            return Outcome.GONE;
        }
        store.deletePublic(record.publicKey());
        catalog.markWithheld(record.id(), true, source);
        cdn.purge(store.publicUrl(record.publicKey()));
        log.warn("media image {} withheld: re-cloaking animations and videos is not supported yet", record.id());
        return Outcome.WITHHELD;
    }

    /** Erases every image of a user (public copies, originals, rows). */
    public int eraseAllOf(String userId) {
        List<String> ids = catalog.idsOfUser(userId);
        ids.forEach(erasure::erase);
        return ids.size();
    }

    private static StoredImage stored(ImageRecord r) {
        return new StoredImage(r.id(), r.userId(), r.dntMe(), r.flagSource(), r.createdAt(), r.cloakModelVersion(),
                r.state() == ImageState.WITHHELD);
    }
}
