package dev.dntme.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.consent.FlagSource;
import dev.dntme.gateway.storage.ObjectStore;
import dev.dntme.gateway.support.GatewayTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** What a crash leaves behind is brought to a final state by the sweeper, with real storage and catalog. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Import(dev.dntme.gateway.support.TemporaryEngineDown.class)
class StaleUploadSweeperTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
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
                null, null, then, then);
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
    void aPublishedImageIsNeverTouched() {
        ImageRecord published = interrupted(ImageState.PUBLISHED, Duration.ofDays(3));

        sweeper.sweep();

        assertThat(catalog.find(published.id())).isPresent();
    }
}
