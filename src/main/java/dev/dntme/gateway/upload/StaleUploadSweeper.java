package dev.dntme.gateway.upload;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Moves every interrupted image to a final state without a person: rows left in RECEIVED or STORED
 * belong to requests that never answered 201, and FAILED rows to requests that could not roll back, so
 * they are rolled back (public copy, original, row) and the client's retry starts clean; DELETING rows
 * are erased to the end; the tombstones of rejected media jobs are removed once older than
 * {@code dntme.upload.rejected-retention}. PROCESSING rows are never touched: their job is resumed by
 * {@link MediaJobWorker} (a lease that ran out lets another worker take it), not rolled back. Runs at start-up and then
 * periodically; RECEIVED and STORED rows are touched only once older than
 * {@code dntme.upload.stale-after}, so requests still running on another replica are left alone.
 */
@Component
class StaleUploadSweeper {

    private static final Logger log = LoggerFactory.getLogger(StaleUploadSweeper.class);
    private static final int BATCH = 100;

    private final ImageCatalog catalog;
    private final ImageErasure erasure;
    private final UploadProperties properties;

    StaleUploadSweeper(ImageCatalog catalog, ImageErasure erasure, UploadProperties properties) {
        this.catalog = catalog;
        this.erasure = erasure;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStartup() {
        sweep();
    }

    @Scheduled(fixedDelayString = "${dntme.upload.sweep-interval:1m}", initialDelayString = "${dntme.upload.sweep-interval:1m}")
    void periodically() {
        sweep();
    }

    /** @return how many rows were brought to a final state */
    int sweep() {
        int done = 0;
        try {
            List<ImageRecord> stale = catalog.abandoned(properties.staleAfter(), properties.rejectedRetention(), BATCH);
            for (ImageRecord record : stale) {
                try {
                    erasure.finish(record);
                    done++;
                    log.info("rolled back interrupted image {} (was {})", record.id(), record.state());
                } catch (RuntimeException e) {
                    log.warn("could not roll back image {} yet: {}", record.id(), e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            log.warn("sweep skipped, catalog unavailable: {}", e.getMessage());
        }
        return done;
    }
}
