package dev.dntme.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.storage.StorageProperties;
import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.StorageInspector;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Animations go through the real app over HTTP, the real S3 server and catalog, and the background job; only the
 * GIF header reader and the renderer are test doubles (TestMedia): the renderer re-encodes frames, it does not cloak.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestMedia.Rendering.class)
class MediaJobsApiTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
        registry.add("dntme.media-jobs.poll-interval", () -> "100ms");
        registry.add("dntme.media-jobs.lease", () -> "2s");
        registry.add("dntme.media-jobs.retry-backoff", () -> "100ms");
        registry.add("dntme.media-jobs.progress-every", () -> "0s");
    }

    @LocalServerPort
    int port;
    @Autowired
    S3Client s3;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    StorageProperties storage;
    @Autowired
    TestMedia.ScriptedRenderer renderer;
    @Autowired
    TestMedia.RecordingListener listener;
    @Autowired
    MediaJobWorker worker;
    @Autowired
    ApplicationContext context;

    ApiClient api;
    StorageInspector inspector;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        inspector = new StorageInspector(s3, jdbc, storage.privateBucket(), storage.publicBucket());
    }

    @Test
    void anAnimatedGifIsAcceptedWith202AsProcessingAndPublishedByTheBackgroundJobWithEveryFrame() {
        byte[] gif = TestGifs.animated(5, 1);

        HttpResponse<String> accepted = api.upload(gif).user(newUser()).idempotencyKey(key()).send();

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode image = json(accepted);
        String id = image.get("id").asString();
        assertThat(accepted.headers().firstValue("Location")).hasValue("/v1/images/" + id);
        assertThat(accepted.headers().firstValue("Idempotent-Replayed")).hasValue("false");
        assertThat(image.get("state").asString()).isEqualTo("processing");
        assertThat(image.has("publicUrl")).isFalse();
        assertThat(image.get("contentType").asString()).isEqualTo("image/gif");
        assertThat(image.get("progress").get("framesTotal").asInt()).isEqualTo(5);
        assertThat(image.get("media").get("format").asString()).isEqualTo("gif");
        assertThat(image.get("media").get("frames").asInt()).isEqualTo(5);
        assertThat(image.get("media").get("durationMillis").asLong()).isEqualTo(500);

        JsonNode published = awaitState(id, "published");
        assertThat(published.get("progress").get("framesDone").asInt()).isEqualTo(5);
        assertThat(published.has("failure")).isFalse();
        byte[] publicCopy = api.anonymousGet(published.get("publicUrl").asString()).body();
        assertThat(new String(gif, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("test camera");
        assertThat(new String(publicCopy, java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("a re-encoded copy, without the original's comment").doesNotContain("test camera");
        assertThat(TestGifs.read(publicCopy)).hasSize(5);
        assertThat(api.getBytes("/v1/images/" + id + "/original").body()).as("original kept byte for byte").isEqualTo(gif);
        assertThat(renderer.calls(gif)).isEqualTo(1);
        List<TestMedia.RecordingListener.Told> told = listener.about(id);
        assertThat(told).as("the listener is told once, inside the transaction").hasSize(1);
        assertThat(told.get(0).inTransaction()).isTrue();
        assertThat(told.get(0).image().state()).isEqualTo("published");
        assertThat(told.get(0).image().publicUrl()).isEqualTo(published.get("publicUrl").asString());
        String metrics = api.get("/actuator/prometheus").body();
        assertThat(metrics).contains("outcome=\"published\"");
        assertThat(dev.dntme.gateway.support.MetricsContract.APP_METRICS).filteredOn(m -> m.startsWith("dntme_media"))
                .hasSize(9).allSatisfy(name -> assertThat(metrics).contains("\n" + name));
    }

    @Test
    void aRetryWithTheSameKeyWhileTheJobRunsAnswersTheSame202AndStartsNoSecondJob() throws Exception {
        byte[] gif = TestGifs.animated(3, 2);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        renderer.script(gif, (original, dntMe, progress) -> {
            entered.countDown();
            await(release);
            return TestMedia.ScriptedRenderer.reencode(original, dntMe, progress);
        });
        String user = newUser();
        String key = key();
        HttpResponse<String> first = api.upload(gif).user(user).idempotencyKey(key).send();
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> again = api.upload(gif).user(user).idempotencyKey(key).send();

        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(json(again).get("id").asString()).isEqualTo(json(first).get("id").asString());
        assertThat(json(again).get("state").asString()).isEqualTo("processing");
        release.countDown();
        awaitState(json(first).get("id").asString(), "published");
        assertThat(renderer.calls(gif)).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from images where user_id = ?").param(user).query(Integer.class).single())
                .isEqualTo(1);
    }

    @Test
    void aJobThatFailsClosedPartWayIsRejectedWithItsFailureAndLeavesNothingPublicAndNoOriginal() {
        byte[] gif = TestGifs.animated(4, 3);
        renderer.script(gif, (original, dntMe, progress) -> {
            progress.framesDone(1, 4);
            throw new CloakFailedException("frame 2: a face stays under the fail bar");
        });
        String user = newUser();
        String key = key();
        String id = json(api.upload(gif).user(user).header("DNT-ME", "1").idempotencyKey(key).send()).get("id").asString();

        JsonNode rejected = awaitState(id, "rejected");

        assertThat(rejected.get("dntMe").asBoolean()).isTrue();
        assertThat(rejected.has("publicUrl")).isFalse();
        assertThat(rejected.get("failure").get("type").asString()).isEqualTo("urn:dntme:problem:cloak-failed");
        assertThat(rejected.get("failure").get("title").asString()).isNotBlank();
        assertThat(rejected.get("failure").get("detail").asString()).doesNotContain("frame 2");
        String originalKey = jdbc.sql("select original_key from images where id = ?").param(id).query(String.class).single();
        assertThat(inspector.privateKeys()).doesNotContain(originalKey);
        assertThat(publicKeysOf(id)).isEmpty();
        assertThat(api.get("/v1/images/" + id + "/original").statusCode()).isEqualTo(404);
        assertThat(listener.about(id)).singleElement().satisfies(t -> {
            assertThat(t.image().state()).isEqualTo("rejected");
            assertThat(t.image().failure().type()).isEqualTo("urn:dntme:problem:cloak-failed");
            assertThat(t.inTransaction()).isTrue();
        });

        renderer.script(gif, (original, dntMe, progress) -> TestMedia.ScriptedRenderer.reencode(original, false, progress));
        HttpResponse<String> retried = api.upload(gif).user(user).header("DNT-ME", "1").idempotencyKey(key).send();
        assertThat(retried.statusCode()).as("a rejected upload's key starts afresh").isEqualTo(202);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("false");
        assertThat(json(retried).get("id").asString()).isNotEqualTo(id);
        assertThat(api.get("/v1/images/" + id).statusCode()).as("the tombstone was erased").isEqualTo(404);
    }

    @Test
    void aFlaggedJobWhoseCloakStaysUnavailableIsRetriedThenRejectedNeverPublishedClean() {
        byte[] gif = TestGifs.animated(3, 4); // the default script cannot cloak: CloakUnavailableException each time

        String id = json(api.upload(gif).user(newUser()).header("DNT-ME", "1").send()).get("id").asString();

        JsonNode rejected = awaitState(id, "rejected");
        assertThat(rejected.get("failure").get("type").asString()).isEqualTo("urn:dntme:problem:cloak-unavailable");
        assertThat(renderer.calls(gif)).as("max-attempts").isEqualTo(3);
        assertThat(publicKeysOf(id)).isEmpty();
        assertThat(listener.about(id)).hasSize(1);
    }

    @Test
    void anImageErasedWhileItsJobRunsLeavesNoPublicObjectNoOriginalAndNoRow() throws Exception {
        byte[] gif = TestGifs.animated(4, 5);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        renderer.script(gif, (original, dntMe, progress) -> {
            progress.framesDone(1, 4);
            entered.countDown();
            await(release);
            try {
                progress.framesDone(2, 4);
            } catch (java.util.concurrent.CancellationException expected) {
                cancelled.countDown();
                throw expected;
            }
            return TestMedia.ScriptedRenderer.reencode(original, dntMe, progress);
        });
        String id = json(api.upload(gif).user(newUser()).send()).get("id").asString();
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(json(api.get("/v1/images/" + id)).get("progress").get("framesDone").asInt()).isEqualTo(1);

        assertThat(api.delete("/v1/images/" + id).statusCode()).isEqualTo(204);
        release.countDown();

        assertThat(cancelled.await(30, TimeUnit.SECONDS)).as("the render was stopped at its next frame").isTrue();
        Thread.sleep(300);
        assertThat(api.get("/v1/images/" + id).statusCode()).isEqualTo(404);
        assertThat(jdbc.sql("select count(*) from images where id = ?").param(id).query(Integer.class).single()).isZero();
        assertThat(inspector.privateKeys()).noneMatch(k -> k.contains(id));
        assertThat(listener.about(id)).isEmpty();
        assertThat(renderer.calls(gif)).isEqualTo(1);
    }

    @Test
    void aListenerThatThrowsRollsTheEndBackTheCopyIsRemovedAndTheJobIsRetriedToPublication() {
        byte[] gif = TestGifs.animated(3, 6);
        CountDownLatch release = new CountDownLatch(1);
        renderer.script(gif, (original, dntMe, progress) -> {
            await(release);
            return TestMedia.ScriptedRenderer.reencode(original, dntMe, progress);
        });
        String id = json(api.upload(gif).user(newUser()).send()).get("id").asString();
        listener.failNextFor.add(id);
        release.countDown();

        JsonNode published = awaitState(id, "published");

        assertThat(renderer.calls(gif)).as("the first attempt's end was rolled back").isEqualTo(2);
        assertThat(listener.about(id)).hasSize(2).allSatisfy(t -> {
            assertThat(t.image().state()).isEqualTo("published");
            assertThat(t.inTransaction()).isTrue();
        });
        assertThat(jdbc.sql("select attempts from images where id = ?").param(id).query(Integer.class).single())
                .isEqualTo(1);
        assertThat(api.anonymousGet(published.get("publicUrl").asString()).statusCode()).isEqualTo(200);
    }

    @Test
    void aJobSurvivesItsWorkerStoppingMidRenderAndAnotherWorkerPublishesItAfterTheLeaseRunsOut() throws Exception {
        byte[] gif = TestGifs.animated(4, 7);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch staleStopped = new CountDownLatch(1);
        renderer.script(gif, (original, dntMe, progress) -> {
            progress.framesDone(1, 4);
            entered.countDown();
            await(release); // a hung or dead replica: no progress, no heartbeat once its worker is gone
            try {
                progress.framesDone(2, 4);
            } catch (java.util.concurrent.CancellationException expected) {
                staleStopped.countDown();
                throw expected;
            }
            return TestMedia.ScriptedRenderer.reencode(original, dntMe, progress);
        });
        String id = json(api.upload(gif).user(newUser()).send()).get("id").asString();
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        worker.stop();
        MediaJobWorker second = anotherWorker();
        renderer.script(gif, TestMedia.ScriptedRenderer::reencode);
        try {
            second.start();
            JsonNode published = awaitState(id, "published");
            assertThat(renderer.calls(gif)).isEqualTo(2);

            release.countDown();
            assertThat(staleStopped.await(30, TimeUnit.SECONDS)).as("the first attempt learns it lost the job").isTrue();
            Thread.sleep(300);
            assertThat(json(api.get("/v1/images/" + id)).get("state").asString()).isEqualTo("published");
            assertThat(api.anonymousGet(published.get("publicUrl").asString()).statusCode())
                    .as("the stale attempt did not delete the other worker's copy").isEqualTo(200);
            assertThat(listener.about(id)).hasSize(1);
        } finally {
            release.countDown();
            second.stop();
            worker.start();
        }
    }

    MediaJobWorker anotherWorker() {
        return new MediaJobWorker(context.getBean(MediaJobs.class), context.getBean(ImageCatalog.class),
                context.getBean(dev.dntme.gateway.storage.ObjectStore.class), context.getBeanProvider(MediaRenderer.class),
                context.getBeanProvider(JobEndListener.class), context.getBean(ImageViews.class),
                context.getBean(org.springframework.transaction.PlatformTransactionManager.class),
                context.getBean(MediaJobsProperties.class), context.getBean(MediaMetrics.class),
                context.getBean(JsonMapper.class), context.getBean(dev.dntme.gateway.consent.UserSettings.class),
                context, context.getBean(dev.dntme.gateway.imaging.ImageDecoder.class), context.getBean(PublicCopyRenderer.class));
    }

    @Test
    void aCleanGifWhoseCloakedCopyCannotBeMadeWhenItsUserTurnsDntMeOnIsWithheldNotLeftClean() {
        byte[] gif = TestGifs.animated(3, 1);
        renderer.script(gif, (original, dntMe, progress) -> {
            if (dntMe) {
                throw new IllegalStateException("the encoder crashed");
            }
            return TestMedia.ScriptedRenderer.reencode(original, false, progress);
        });
        String user = newUser();
        String id = json(api.upload(gif).user(user).send()).get("id").asString();
        String publicUrl = awaitState(id, "published").get("publicUrl").asString();

        api.putJson("/v1/users/" + user + "/settings", "{\"dntMe\": true}");

        JsonNode withheld = awaitState(id, "withheld");
        assertThat(withheld.get("dntMe").asBoolean()).isTrue();
        assertThat(api.anonymousGet(publicUrl).statusCode()).as("the clean copy is gone").isIn(403, 404);
        assertThat(api.getBytes("/v1/images/" + id + "/original").body()).as("the original is kept").isEqualTo(gif);
    }

    private List<String> publicKeysOf(String id) {
        String key = jdbc.sql("select public_key from images where id = ?").param(id).query(String.class).single();
        return inspector.publicKeys().stream().filter(key::equals).toList();
    }

    private JsonNode awaitState(String id, String state) {
        JsonNode[] last = new JsonNode[1];
        awaitTrue("image " + id + " becomes " + state, Duration.ofSeconds(60), () -> {
            last[0] = json(api.get("/v1/images/" + id));
            return state.equals(last[0].path("state").asString());
        });
        return last[0];
    }

    static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits, ignoring interrupts, as a stuck render would. */
    static void await(CountDownLatch latch) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (latch.getCount() > 0 && System.nanoTime() < deadline) {
            try {
                latch.await(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    static String newUser() {
        return "media-user-" + UUID.randomUUID();
    }

    static String key() {
        return "media-" + UUID.randomUUID();
    }
}
