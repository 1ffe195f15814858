package dev.dntme.gateway.protection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.GatewayApplication;
import dev.dntme.gateway.cloak.Scraper;
import dev.dntme.gateway.cloak.engine.DjlCloakEngine;
import dev.dntme.gateway.imaging.animation.Animations;
import dev.dntme.gateway.imaging.media.MediaCodec;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.support.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An animation is re-published like a still, frame by frame, on the real engine: a user turns DNT-ME on for a clean
 * GIF (it is cloaked, not taken down), an operator's re-cloak renews a copy made by an older model, and turning
 * DNT-ME off makes it clean again. Every published frame is judged by a scraper, not by the service's receipt. A GIF
 * whose cloak cannot be made is taken down, never left clean.
 */
class MediaRepublishTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String USER = "media-republish-user";
    private static final int FRAMES = 4;

    private static ConfigurableApplicationContext app;
    private static ApiClient api;
    private static Scraper scraper;

    @BeforeAll
    static void start() throws Exception {
        app = start(new String[0]);
        api = new ApiClient(((WebServerApplicationContext) app).getWebServer().getPort());
        scraper = new Scraper();
    }

    private static ConfigurableApplicationContext start(String... extra) throws Exception {
        Files.createDirectories(Path.of("target", "test-data"));
        Path dataDir = Files.createTempDirectory(Path.of("target", "test-data"), "media-republish-").toAbsolutePath();
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--dntme.data-dir=" + dataDir,
                "--dntme.api.tokens=" + ApiClient.TOKEN,
                "--dntme.s3.embedded-port=0",
                "--dntme.cloak.workers=1",
                "--dntme.media-jobs.poll-interval=200ms",
                "--dntme.republish.pause=10ms",
                "--dntme.republish.poll-every=200ms",
                "--dntme.republish.lease=10s"));
        args.addAll(List.of(extra));
        ConfigurableApplicationContext started = new SpringApplicationBuilder(GatewayApplication.class)
                .run(args.toArray(String[]::new));
        assertThat(started.getBean(DjlCloakEngine.class).awaitReady(180_000)).as("engine ready").isTrue();
        return started;
    }

    @AfterAll
    static void stop() {
        if (scraper != null) {
            scraper.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aGifIsCloakedFrameByFrameWhenItsUserTurnsDntMeOnRenewedByARecloakAndCleanAgainWhenTurnedOff() throws Exception {
        byte[] gif = Animations.imageIoGif(Animations.panningFaces(FRAMES, 320, 240, false), new int[] {20, 20, 20, 20}, 0);
        JsonNode accepted = json(api.upload(gif).user(USER).partType("image/gif").send().body());
        String id = accepted.get("id").asString();
        JsonNode clean = await(id, i -> "published".equals(i.get("state").asString()));
        assertThat(clean.get("dntMe").asBoolean()).isFalse();
        String publicUrl = clean.get("publicUrl").asString();
        assertThat(linkedFrames(api.anonymousGet(publicUrl).body())).as("the clean GIF's frames a scraper links")
                .isEqualTo(FRAMES);

        api.putJson("/v1/users/" + USER + "/settings", "{\"dntMe\": true}");
        JsonNode cloaked = await(id, i -> i.get("dntMe").asBoolean() && i.hasNonNull("receipt"));
        assertThat(cloaked.get("state").asString()).as("cloaked, not withheld").isEqualTo("published");
        assertThat(cloaked.get("flagSource").asString()).isEqualTo("user-setting");
        assertThat(cloaked.get("publicUrl").asString()).as("replaced in place").isEqualTo(publicUrl);
        JsonNode frames = cloaked.get("receipt").get("frames");
        assertThat(frames.get("total").asInt()).isEqualTo(FRAMES);
        assertThat(frames.get("minDistance").asDouble()).isGreaterThanOrEqualTo(0.65);
        byte[] published = api.anonymousGet(publicUrl).body();
        assertThat(frameCount(published)).isEqualTo(FRAMES);
        assertThat(linkedFrames(published)).as("cloaked frames a scraper still links").isZero();

        // an older model made this copy: the operator's re-cloak renews it
        String version = cloaked.get("receipt").get("modelVersion").asString();
        app.getBean(JdbcClient.class).sql("update images set cloak_model_version = ? where id = ?")
                .params("faceapi-0.0.0+old", id).update();
        assertThat(api.send(api.request("/v1/admin/recloak").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build())
                .statusCode()).isEqualTo(202);
        JsonNode renewed = await(id, i -> version.equals(stored(id)));
        assertThat(renewed.get("state").asString()).isEqualTo("published");
        assertThat(linkedFrames(api.anonymousGet(publicUrl).body())).as("renewed frames a scraper links").isZero();

        api.putJson("/v1/users/" + USER + "/settings", "{\"dntMe\": false}");
        JsonNode cleanAgain = await(id, i -> !i.get("dntMe").asBoolean());
        assertThat(cleanAgain.get("state").asString()).isEqualTo("published");
        assertThat(cleanAgain.hasNonNull("receipt")).isFalse();
        assertThat(linkedFrames(api.anonymousGet(publicUrl).body())).isEqualTo(FRAMES);
    }

    @Test
    void aGifWhoseCloakCannotBeMadeWhenItsUserTurnsDntMeOnIsWithheldNeverLeftClean() throws Exception {
        // a cloak too weak to clear the bar on any frame: one step at a tiny budget, at MEDIUM, with no repair pass and
        // the file rejected rather than the face obscured
        try (ConfigurableApplicationContext weak = start("--dntme.cloak.redetect-on-publish=false",
                "--dntme.upload.default-media-strength=MEDIUM", "--dntme.cloak.frames.repair=false",
                "--dntme.cloak.frames.hard-faces=reject",
                "--dntme.cloak.medium.steps=1", "--dntme.cloak.medium.retry-steps=0", "--dntme.cloak.medium.rounds=1",
                "--dntme.cloak.medium.epsilon=0.5", "--dntme.cloak.medium.min-steps=1")) {
            ApiClient client = new ApiClient(((WebServerApplicationContext) weak).getWebServer().getPort());
            byte[] gif = Animations.imageIoGif(Animations.panningFaces(2, 320, 240, false), new int[] {20, 20}, 0);
            String id = json(client.upload(gif).user(USER).partType("image/gif").send().body()).get("id").asString();
            String publicUrl = await(client, id, i -> "published".equals(i.get("state").asString())).get("publicUrl").asString();
            assertThat(client.anonymousGet(publicUrl).statusCode()).isEqualTo(200);

            client.putJson("/v1/users/" + USER + "/settings", "{\"dntMe\": true}");
            JsonNode withheld = await(client, id, i -> "withheld".equals(i.get("state").asString()));

            assertThat(withheld.get("dntMe").asBoolean()).isTrue();
            assertThat(withheld.hasNonNull("publicUrl")).isFalse();
            assertThat(client.anonymousGet(publicUrl).statusCode()).as("the clean copy is gone").isIn(403, 404);
            assertThat(client.getBytes("/v1/images/" + id + "/original").body()).as("the original is kept").isEqualTo(gif);
        }
    }

    @Test
    void theSchedulerKeepsAThreadForTheStaleUploadSweeperWhileAReCloakHoldsOne() {
        ThreadPoolTaskScheduler scheduler = app.getBean(ThreadPoolTaskScheduler.class);
        assertThat(scheduler.getScheduledThreadPoolExecutor().getCorePoolSize()).isGreaterThanOrEqualTo(2);
    }

    private static String stored(String id) {
        return app.getBean(JdbcClient.class).sql("select cloak_model_version from images where id = ?").param(id)
                .query(String.class).single();
    }

    private static JsonNode await(String id, Predicate<JsonNode> until) throws InterruptedException {
        return await(api, id, until);
    }

    private static JsonNode await(ApiClient client, String id, Predicate<JsonNode> until) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        JsonNode image = json(client.get("/v1/images/" + id).body());
        while (!until.test(image)) {
            assertThat(Instant.now()).as("image %s", image).isBefore(deadline);
            Thread.sleep(250);
            image = json(client.get("/v1/images/" + id).body());
        }
        return image;
    }

    private static JsonNode json(String body) {
        return JSON.readTree(body);
    }

    private static int frameCount(byte[] gif) {
        MediaCodec codec = Animations.codec();
        return codec.probe(gif, MediaFormat.GIF).frames();
    }

    /** Frames in which the scraper finds a face it links to Obama's other clean photos. */
    private static int linkedFrames(byte[] gif) {
        MediaCodec codec = Animations.codec();
        return scraper.linkedFrames(codec.open(gif, codec.probe(gif, MediaFormat.GIF)),
                scraper.facesOf("people/obama/obama-2.jpg", "people/obama/obama-3.jpg", "people/obama/obama-4.jpg"));
    }
}
