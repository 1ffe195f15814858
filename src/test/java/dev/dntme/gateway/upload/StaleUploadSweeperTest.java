package dev.dntme.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.consent.FlagSource;
import dev.dntme.gateway.storage.ObjectStore;
import dev.dntme.gateway.support.GatewayTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** What a crash leaves behind is brought to a final state by the sweeper, with real storage and catalog. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class StaleUploadSweeperTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
    }

    @Autowired
    StaleUploadSweeper sweeper;

    @Autowired
    ImageCatalog catalog;

    @Autowired
    ObjectStore store;

    private ImageRecord interrupted(ImageState state, Duration age) {
        String id = UUID.randomUUID().toString();
        Instant then = Instant.now().minus(age);
        ImageRecord record = new ImageRecord(id, "sweep-user", null, state, true, FlagSource.REQUEST,
                "originals/" + id, "0".repeat(64), "image/jpeg", 3, "pub-" + id + ".jpg", "image/jpeg", 1, 1, 0,
                null, null, then, then, CloakStrength.MEDIUM);
        catalog.insert(record);
        store.putOriginal(record.originalKey(), new byte[] {1, 2, 3}, "image/jpeg");
        return record;
    }

    @Test
    void anImageInterruptedAfterItsOriginalWasStoredIsRolledBackCompletely() {
        ImageRecord stored = interrupted(ImageState.STORED, Duration.ofHours(1));
        store.putPublic(stored.publicKey(), new byte[] {4, 5, 6}, "image/jpeg");

        sweeper.sweep();

        assertThat(catalog.find(stored.id())).isEmpty();
        assertThat(store.getOriginal(stored.originalKey())).isEmpty();
        assertThat(store.getPublic(stored.publicKey())).isEmpty();
    }

    @Test
    void anInterruptedErasureIsFinished() {
        ImageRecord deleting = interrupted(ImageState.DELETING, Duration.ofHours(1));

        sweeper.sweep();

        assertThat(catalog.find(deleting.id())).isEmpty();
        assertThat(store.getOriginal(deleting.originalKey())).isEmpty();
    }

    @Test
    void aFailedUploadThatCouldNotRollBackIsCleanedAtOnce() {
        ImageRecord failed = interrupted(ImageState.FAILED, Duration.ofSeconds(1));

        sweeper.sweep();

        assertThat(catalog.find(failed.id())).isEmpty();
        assertThat(store.getOriginal(failed.originalKey())).isEmpty();
    }

    @Test
    void anUploadStillWithinItsTimeIsLeftAlone() {
        ImageRecord running = interrupted(ImageState.STORED, Duration.ofSeconds(5));

        sweeper.sweep();

        assertThat(catalog.find(running.id())).isPresent();
        assertThat(store.getOriginal(running.originalKey())).isPresent();
    }

    @Test
    void aMediaJobStillProcessingIsNeverRolledBackHoweverOld() {
        ImageRecord processing = interrupted(ImageState.PROCESSING, Duration.ofDays(3));

        sweeper.sweep();

        assertThat(catalog.find(processing.id())).isPresent();
        assertThat(store.getOriginal(processing.originalKey())).isPresent();
    }

    @Test
    void aRejectedTombstoneStaysReadableUntilItsRetentionThenIsSwept() {
        ImageRecord recent = interrupted(ImageState.REJECTED, Duration.ofDays(6));
        ImageRecord old = interrupted(ImageState.REJECTED, Duration.ofDays(8));

        sweeper.sweep();

        assertThat(catalog.find(recent.id())).isPresent();
        assertThat(catalog.find(old.id())).isEmpty();
        assertThat(store.getOriginal(old.originalKey())).isEmpty();
    }

    @Test
    void aPublishedImageIsNeverTouched() {
        ImageRecord published = interrupted(ImageState.PUBLISHED, Duration.ofDays(3));

        sweeper.sweep();

        assertThat(catalog.find(published.id())).isPresent();
    }
}
