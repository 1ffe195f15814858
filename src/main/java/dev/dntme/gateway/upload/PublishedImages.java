package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.CloakEngine;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.CloakUnavailableException;
import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.consent.FlagSource;
import dev.dntme.gateway.imaging.DecodedImage;
import dev.dntme.gateway.imaging.ImageDecoder;
import dev.dntme.gateway.storage.CdnPurge;
import dev.dntme.gateway.storage.ObjectStore;
import dev.dntme.gateway.system.ApiException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * What other features may do with stored images: page through them and re-publish one from its
 * original. Re-publishing overwrites the public object under the same key (an S3 PUT replaces an object
 * atomically: readers get the old or the new copy, never a partial one), then tells the CDN to drop it.
 * A still is made again as an upload makes it; an animation or a video frame by frame, as its media job made it.
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
    private final ObjectProvider<MediaRenderer> mediaRenderers;
    private final CloakEngine cloak;

    PublishedImages(ImageCatalog catalog, ObjectStore store, ImageDecoder decoder, PublicCopyRenderer renderer,
            ImageErasure erasure, CdnPurge cdn, UploadProperties properties, JsonMapper json,
            ObjectProvider<MediaRenderer> mediaRenderers, CloakEngine cloak) {
        this.cloak = cloak;
        this.catalog = catalog;
        this.store = store;
        this.decoder = decoder;
        this.renderer = renderer;
        this.erasure = erasure;
        this.cdn = cdn;
        this.properties = properties;
        this.json = json;
        this.mediaRenderers = mediaRenderers;
    }

    public List<StoredImage> userImagesAfter(String userId, Instant createdAt, String id, int limit) {
        return catalog.userImagesAfter(userId, createdAt, id, limit).stream().map(PublishedImages::stored).toList();
    }

    public int countUserImages(String userId) {
        return catalog.countUserImages(userId);
    }

    /** Flagged copies made by none of the engine's current versions (one per level), or withheld, after the cursor. */
    public List<StoredImage> outdatedCloaksAfter(Instant createdAt, String id, int limit) {
        return catalog.outdatedCloaksAfter(cloak.modelVersions(), createdAt, id, limit).stream()
                .map(PublishedImages::stored).toList();
    }

    public int countOutdatedCloaks() {
        return catalog.countOutdatedCloaks(cloak.modelVersions());
    }

    /**
     * Makes the image's public copy again from its original: cloaked when {@code dntMe}, clean otherwise.
     * A flagged copy whose cloak cannot be made is withheld (public object deleted), never left clean.
     *
     * @throws dev.dntme.gateway.cloak.CloakUnavailableException when the engine is not ready: nothing
     *         changed, try again later
     */
    public Outcome republish(String id, boolean dntMe, FlagSource source) {
        return republish(id, dntMe, source, () -> { });
    }

    /**
     * @param stillWorking called while an animation or a video is being made (after each frame), so that the caller
     *                     can keep its claim on the work; a still calls it never
     */
    public Outcome republish(String id, boolean dntMe, FlagSource source, Runnable stillWorking) {
        Optional<ImageRecord> found = catalog.find(id)
                .filter(r -> r.state() == ImageState.PUBLISHED || r.state() == ImageState.WITHHELD);
        if (found.isEmpty()) {
            return Outcome.GONE;
        }
        ImageRecord record = found.get();
        Optional<byte[]> original = store.getOriginal(record.originalKey());
        if (original.isEmpty()) {
            log.error("image {} has no original; it cannot be re-published", record.id());
            return Outcome.GONE;
        }
        Made made;
        try {
            made = record.isMedia() ? media(record, original.get(), dntMe, stillWorking) : still(record, original.get(), dntMe);
        } catch (CloakFailedException failed) {
            return withhold(record, dntMe, source, "its cloak could not be made (" + failed.getMessage() + ")");
        } catch (ApiException bad) {
            if (!bad.problem().status().is4xxClientError()) {
                throw bad;
            }
            // the original passed its checks at upload; bad data found part-way leaves nothing new to publish (and a
            // retry would find it again)
            return withhold(record, dntMe, source, "its original could not be made again (" + bad.getMessage() + ")");
        } catch (CloakUnavailableException notReady) {
            throw notReady; // nothing changed: the job waits for the engine and tries again
        } catch (RuntimeException broken) {
            // a renderer that breaks (an encoder crash) would break again on every retry while a copy that must now be
            // cloaked stays public clean: it is withheld instead; a clean re-make keeps the current copy and retries
            if (!dntMe) {
                throw broken;
            }
            return withhold(record, true, source, "its copy could not be made (" + broken + ")");
        }
        if (made == null) {
            return withhold(record, dntMe, source, "this replica has no media renderer");
        }
        store.putPublic(record.publicKey(), made.bytes(), made.mediaType());
        boolean updated = catalog.markRepublished(record.id(), dntMe, source, made.faces(),
                made.receipt() == null ? null : json.writeValueAsString(made.receipt()),
                made.receipt() == null ? null : made.receipt().modelVersion());
        if (!updated) {
            store.deletePublic(record.publicKey()); // erased while we worked: do not resurrect it
            return Outcome.GONE;
        }
        cdn.purge(store.publicUrl(record.publicKey()));
        return Outcome.REPUBLISHED;
    }

    /** A public copy made again: its bytes, and what the catalog says of it. */
    private record Made(byte[] bytes, String mediaType, int faces, ProtectionReceipt receipt) {}

    /** At the level its upload asked for (rows from before levels: the configured default). */
    private Made still(ImageRecord record, byte[] original, boolean dntMe) {
        DecodedImage image = decoder.decode(original);
        PublicCopy copy = renderer.render(image, dntMe, record.strength() != null ? record.strength() : properties.defaultStrength());
        return new Made(copy.bytes(), copy.format().mediaType(), copy.faces(), copy.receipt());
    }

    /** Frame by frame at the strength the upload asked for; null when this replica cannot make media. */
    private Made media(ImageRecord record, byte[] original, boolean dntMe, Runnable stillWorking) {
        MediaRenderer media = mediaRenderers.getIfAvailable();
        if (media == null) {
            return null;
        }
        RenderedMedia rendered = media.render(original, dntMe, record.strength(), (done, total) -> stillWorking.run());
        return new Made(rendered.bytes(), rendered.mediaType(), rendered.faces(), rendered.receipt());
    }

    /**
     * Fail closed: a copy that should be cloaked and cannot be is taken down, never left or made clean; a clean copy
     * that cannot be made leaves the current one (cloaked, or clean) as it is.
     */
    private Outcome withhold(ImageRecord record, boolean dntMe, FlagSource source, String why) {
        if (!dntMe) {
            log.warn("image {} keeps its current public copy: {}", record.id(), why);
            return Outcome.GONE;
        }
        store.deletePublic(record.publicKey());
        catalog.markWithheld(record.id(), true, source);
        cdn.purge(store.publicUrl(record.publicKey()));
        log.warn("image {} withheld: {}", record.id(), why);
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
