package dev.dntme.gateway.upload;

import dev.dntme.gateway.storage.CdnPurge;
import dev.dntme.gateway.storage.ObjectStore;
import dev.dntme.gateway.upload.webhook.WebhookOutbox;
import org.springframework.stereotype.Service;

/**
 * Erases an image: mark the row first (so a racing upload cannot publish), then the public copy (so
 * readers lose it first), then the original, then the row. A crash part-way leaves a DELETING row that
 * the sweeper finishes.
 */
@Service
class ImageErasure {

    private final ImageCatalog catalog;
    private final ObjectStore store;
    private final CdnPurge cdn;
    private final WebhookOutbox webhooks;

    ImageErasure(ImageCatalog catalog, ObjectStore store, CdnPurge cdn, WebhookOutbox webhooks) {
        this.catalog = catalog;
        this.store = store;
        this.cdn = cdn;
        this.webhooks = webhooks;
    }

    /** Idempotent: erasing an image that is already gone does nothing. */
    void erase(String id) {
        catalog.find(id).ifPresent(record -> {
            catalog.markDeleting(id);
            finish(record);
            if (record.state() == ImageState.PUBLISHED) {
                cdn.purge(store.publicUrl(record.publicKey()));
            }
        });
    }

    void finish(ImageRecord record) {
        store.deletePublic(record.publicKey());
        store.deleteOriginal(record.originalKey());
        webhooks.forgetImage(record.id()); // the bodies name the user; before the row, the record that anything is left
        catalog.delete(record.id());
    }
}
