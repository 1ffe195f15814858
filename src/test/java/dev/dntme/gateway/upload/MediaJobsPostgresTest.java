package dev.dntme.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.consent.FlagSource;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.storage.ObjectStore;
import dev.dntme.gateway.support.GatewayTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Several replicas share the queue on PostgreSQL, the production catalog (127.0.0.1:5432, database {@code test},
 * DNTME_TEST_PG_URL to change; a fresh schema per run): racing claims never hand one job to two workers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Import(TestMedia.Rendering.class)
class MediaJobsPostgresTest {

    private static final String SCHEMA = "dntme_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String URL = System.getenv().getOrDefault("DNTME_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getenv().getOrDefault("DNTME_TEST_PG_USER", "postgres");

    @AfterAll
    static void dropSchema() throws Exception {
        try (var connection = java.sql.DriverManager.getConnection(URL, USER, "");
                var statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + SCHEMA + " cascade");
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
        String schema = SCHEMA;
        String url = URL;
        registry.add("spring.datasource.url", () -> url + "?currentSchema=" + schema);
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.flyway.create-schemas", () -> "true");
        registry.add("dntme.media-jobs.poll-interval", () -> "20ms");
        registry.add("dntme.media-jobs.concurrency", () -> "3");
        registry.add("dntme.media-jobs.progress-every", () -> "0s");
    }

    @Autowired
    MediaJobs jobs;
    @Autowired
    ImageCatalog catalog;
    @Autowired
    ObjectStore store;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MediaJobWorker worker;
    @Autowired
    TestMedia.ScriptedRenderer renderer;
    @Autowired
    TestMedia.RecordingListener listener;
    @Autowired
    ApplicationContext context;

    @Test
    void twoClaimersRacingOverTheSameQueueNeverTakeTheSameJob() throws Exception {
        worker.stop();
        try {
            List<String> queued = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                queued.add(queue(TestGifs.animated(2, 1000 + i)).id());
            }
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<List<String>>> taken = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                String owner = "racer-" + w;
                taken.add(pool.submit(() -> {
                    start.await();
                    List<String> mine = new ArrayList<>();
                    for (int n = 0; n < 200; n++) {
                        jobs.claim(owner + "-" + n, Duration.ofMinutes(5), false).ifPresent(job -> mine.add(job.image().id()));
                    }
                    return mine;
                }));
            }
            List<String> first = taken.get(0).get();
            List<String> second = taken.get(1).get();
            pool.shutdown();

            assertThat(Collections.disjoint(first, second)).as("a job claimed by both: %s / %s", first, second).isTrue();
            assertThat(new HashSet<>(first)).hasSameSizeAs(first);
            Set<String> all = new HashSet<>(first);
            all.addAll(second);
            assertThat(all).containsExactlyInAnyOrderElementsOf(queued);
            assertThat(first).as("both took part").isNotEmpty();
            assertThat(second).isNotEmpty();
            jdbc.sql("update images set state = 'REJECTED', failure_type = 'test' where id in (:ids)")
                    .param("ids", queued).update();
        } finally {
            worker.start();
        }
    }

    @Test
    void stillJobsAndMediaJobsAreClaimedFromTheirOwnSlotsSoAPhotoNeverWaitsBehindAClip() {
        worker.stop();
        try {
            String clip = queue(TestGifs.animated(2, 3001)).id();
            String still = queueStill().id();

            var forStills = jobs.claim("still-slot", Duration.ofMinutes(5), true);
            var forMedia = jobs.claim("media-slot", Duration.ofMinutes(5), false);

            assertThat(forStills).as("the still, though the clip is older").map(j -> j.image().id()).hasValue(still);
            assertThat(forMedia).map(j -> j.image().id()).hasValue(clip);
            assertThat(forStills.get().image().strength()).isEqualTo(CloakStrength.HIGH);
            jdbc.sql("update images set state = 'REJECTED', failure_type = 'test' where id in (:ids)")
                    .param("ids", List.of(clip, still)).update();
        } finally {
            worker.start();
        }
    }

    @Test
    void twoWorkersSharingTheQueuePublishEveryJobExactlyOnce() {
        MediaJobWorker second = anotherWorker();
        second.start();
        try {
            List<byte[]> gifs = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                byte[] gif = TestGifs.animated(3, 2000 + i);
                gifs.add(gif);
                ids.add(queue(gif).id());
            }

            MediaJobsApiTest.awaitTrue("every job published", Duration.ofSeconds(90), () -> jdbc.sql(
                    "select count(*) from images where state = 'PUBLISHED' and id in (:ids)").param("ids", ids)
                    .query(Integer.class).single() == ids.size());

            for (byte[] gif : gifs) {
                assertThat(renderer.calls(gif)).as("renders of one job").isEqualTo(1);
            }
            for (String id : ids) {
                assertThat(listener.about(id)).as("job ends told for " + id).hasSize(1);
                ImageRecord row = catalog.find(id).orElseThrow();
                assertThat(store.getPublic(row.publicKey())).isPresent();
            }
        } finally {
            second.stop();
        }
    }

    /** A flagged still accepted at a background level: original stored, row PROCESSING and due, no media columns. */
    private ImageRecord queueStill() {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        byte[] jpeg = dev.dntme.gateway.support.TestImages.jpeg(32, 24);
        ImageRecord record = new ImageRecord(id, "pg-media-user", null, ImageState.RECEIVED, true, FlagSource.REQUEST,
                "originals/" + id, UploadService.sha256(jpeg), "image/jpeg", jpeg.length, "pub-" + id + ".jpg", "image/jpeg",
                32, 24, 0, null, null, now, now, CloakStrength.HIGH);
        catalog.insert(record);
        store.putOriginal(record.originalKey(), jpeg, "image/jpeg");
        assertThat(catalog.transition(id, ImageState.RECEIVED, ImageState.STORED)).isTrue();
        assertThat(catalog.queue(id)).isTrue();
        return record;
    }

    /** What an accepted upload leaves: original stored, row PROCESSING and due. */
    private ImageRecord queue(byte[] gif) {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        ImageRecord record = new ImageRecord(id, "pg-media-user", null, ImageState.RECEIVED, false, FlagSource.DEFAULT,
                "originals/" + id, UploadService.sha256(gif), "image/gif", gif.length, "pub-" + id + ".gif", "image/gif",
                64, 48, 0, null, null, now, now,
                new ImageRecord.Media(MediaFormat.GIF, TestGifs.read(gif).size(), 0, 300), null, CloakStrength.MEDIUM);
        catalog.insert(record);
        store.putOriginal(record.originalKey(), gif, "image/gif");
        assertThat(catalog.transition(id, ImageState.RECEIVED, ImageState.STORED)).isTrue();
        assertThat(catalog.queue(id)).isTrue();
        return record;
    }

    private MediaJobWorker anotherWorker() {
        return new MediaJobWorker(context.getBean(MediaJobs.class), catalog, store,
                context.getBeanProvider(MediaRenderer.class), context.getBeanProvider(JobEndListener.class),
                context.getBean(ImageViews.class),
                context.getBean(org.springframework.transaction.PlatformTransactionManager.class),
                context.getBean(MediaJobsProperties.class), context.getBean(MediaMetrics.class),
                context.getBean(JsonMapper.class), context.getBean(dev.dntme.gateway.consent.UserSettings.class),
                context, context.getBean(dev.dntme.gateway.imaging.ImageDecoder.class), context.getBean(PublicCopyRenderer.class));
    }
}
