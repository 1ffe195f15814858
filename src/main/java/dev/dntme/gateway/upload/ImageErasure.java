package dev.dntme.gateway.upload;

import dev.dntme.gateway.storage.ObjectStore;
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

    ImageErasure(ImageCatalog catalog, ObjectStore store) {
        this.catalog = catalog;
        this.store = store;
    }

    /** Idempotent: erasing an image that is already gone does nothing. */
    void erase(String id) {
        catalog.find(id).ifPresent(record -> {
            catalog.markDeleting(id);
            finish(record);
        });
    }

    void finish(ImageRecord record) {
        store.deletePublic(record.publicKey());
        store.deleteOriginal(record.originalKey());
        catalog.delete(record.id());
    }
}
