package dev.dntme.gateway.protection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.GatewayApplication;
import dev.dntme.gateway.cloak.Scraper;
import dev.dntme.gateway.cloak.engine.DjlCloakEngine;
import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A user with 20 clean public photos turns DNT-ME on; the service is stopped half-way through the
 * background work and started again on the same data; it finishes, and every public copy is then
 * judged by a scraper's recognition pipeline, not by the service's records. Then the user is erased.
 */
class RetroactiveProtectionTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String USER = "retro-user";
    private static final List<String> PHOTOS = List.of(
            "people/obama/obama-1.jpg", "people/obama/obama-2.jpg", "people/obama/obama-3.jpg",
            "people/obama/obama-4.jpg", "people/biden/biden-1.jpg", "people/biden/biden-2.jpg",
            "people/alex_lacamoire/alex_lacamoire-1.jpg", "people/alex_lacamoire/alex_lacamoire-2.jpg",
            "people/alex_lacamoire/alex_lacamoire-3.png", "people/kit_harington/kit_harington-1.jpg",
            "people/kit_harington/kit_harington-2.jpg", "people/kit_harington/kit_harington-3.jpg",
            "people/rose_leslie/rose_leslie-1.jpg", "people/rose_leslie/rose_leslie-2.jpg",
            "people/lin_manuel_miranda/lin_manuel_miranda-1.png", "people/obama/obama-3.jpg",
            "people/biden/biden-2.jpg", "people/rose_leslie/rose_leslie-1.jpg",
            "people/kit_harington/kit_harington-2.jpg", "people/obama/obama-2.jpg");

    private static Path dataDir;
    private static Scraper scraper;

    @BeforeAll
    static void setUp() throws Exception {
        Files.createDirectories(Path.of("target", "test-data"));
        dataDir = Files.createTempDirectory(Path.of("target", "test-data"), "retro-").toAbsolutePath();
        scraper = new Scraper();
    }

    @AfterAll
    static void tearDown() {
        scraper.close();
    }

    private static ConfigurableApplicationContext start() {
        // Command-line arguments: builder "properties" are defaults that application.yml would override.
        return new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=0",
                "--dntme.data-dir=" + dataDir,
                "--dntme.api.tokens=" + ApiClient.TOKEN,
                "--dntme.s3.embedded-port=0",
                "--dntme.cloak.workers=2",
                "--dntme.republish.pause=10ms",
                "--dntme.republish.poll-every=200ms",
                "--dntme.republish.batch=2",
                "--dntme.republish.lease=10s");
    }

    private static ApiClient api(ConfigurableApplicationContext app) {
        return new ApiClient(((WebServerApplicationContext) app).getWebServer().getPort());
    }

    private static JsonNode json(String body) {
        return JSON.readTree(body);
    }

    private static JsonNode progress(ApiClient api) {
        return json(api.get("/v1/users/" + USER + "/settings").body()).get("republish");
    }

    private static JsonNode awaitProgress(ApiClient api, Predicate<JsonNode> until, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode progress = progress(api);
        while (!until.test(progress)) {
            assertThat(Instant.now()).as("re-publish progress %s", progress).isBefore(deadline);
            Thread.sleep(250);
            progress = progress(api);
        }
        return progress;
    }

    @Test
    void turningDntMeOnCloaksAllTwentyExistingPhotosAcrossARestartAndErasureLeavesNothing() throws Exception {
        Map<String, byte[]> originals = new LinkedHashMap<>();
        Map<String, String> publicUrls = new LinkedHashMap<>();
        int doneBeforeStop;

        try (ConfigurableApplicationContext first = start()) {
            assertThat(first.getEnvironment().getProperty("dntme.data-dir")).isEqualTo(dataDir.toString());
            ApiClient api = api(first);
            for (String photo : PHOTOS) {
                byte[] bytes = TestImages.photo(photo);
                JsonNode image = json(api.upload(bytes).user(USER).send().body());
                assertThat(image.get("dntMe").asBoolean()).isFalse();
                originals.put(image.get("id").asString(), bytes);
                publicUrls.put(image.get("id").asString(), image.get("publicUrl").asString());
            }
            assertThat(first.getBean(DjlCloakEngine.class).isReady() || awaitReady(first)).isTrue();

            JsonNode answer = json(api.putJson("/v1/users/" + USER + "/settings", "{\"dntMe\": true}").body());
            assertThat(answer.get("republish").get("state").asString()).isEqualTo("running");
            assertThat(answer.get("republish").get("total").asInt()).isEqualTo(20);

            JsonNode again = json(api.putJson("/v1/users/" + USER + "/settings", "{\"dntMe\": true}").body());
            assertThat(again.get("republish").get("total").asInt()).as("a second trigger starts nothing new").isEqualTo(20);
            assertThat(again.get("republish").get("state").asString()).isEqualTo("running");

            doneBeforeStop = awaitProgress(api, p -> p.get("done").asInt() >= 4, Duration.ofMinutes(5)).get("done").asInt();
        } // the service stops half-way

        try (ConfigurableApplicationContext second = start()) {
            ApiClient api = api(second);
            JsonNode resumed = progress(api);
            assertThat(resumed.get("done").asInt()).as("resumes, does not start over").isGreaterThanOrEqualTo(doneBeforeStop);
            assertThat(resumed.get("done").asInt()).as("stopped half-way").isLessThan(20);

            JsonNode done = awaitProgress(api, p -> "done".equals(p.get("state").asString()), Duration.ofMinutes(10));
            assertThat(done.get("withheld").asInt()).isZero();

            List<String> stillLinkable = new ArrayList<>();
            List<String> currentUrls = new ArrayList<>();
            for (Map.Entry<String, byte[]> entry : originals.entrySet()) {
                JsonNode image = json(api.get("/v1/images/" + entry.getKey()).body());
                assertThat(image.get("dntMe").asBoolean()).isTrue();
                assertThat(image.get("flagSource").asString()).isEqualTo("user-setting");
                // The public URL did not change: the CDN path is stable, the object was replaced in place.
                assertThat(image.get("publicUrl").asString()).endsWith(publicUrls.get(entry.getKey())
                        .substring(publicUrls.get(entry.getKey()).lastIndexOf('/')));
                currentUrls.add(image.get("publicUrl").asString());
                byte[] published = api.anonymousGet(image.get("publicUrl").asString()).body();
                if (scraper.linkable(published, entry.getValue())) {
                    stillLinkable.add(entry.getKey());
                }
            }
            assertThat(stillLinkable).as("public copies a scraper still links to the clean original").isEmpty();

            assertThat(api.delete("/v1/users/" + USER).statusCode()).isEqualTo(204);
            assertThat(api.delete("/v1/users/" + USER).statusCode()).isEqualTo(204);

            S3Client s3 = second.getBean(S3Client.class);
            for (String bucket : List.of("dntme-private", "dntme-public")) {
                List<String> keys = s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
                        .map(S3Object::key).toList();
                assertThat(keys).as(bucket).isEmpty();
            }
            JdbcClient jdbc = second.getBean(JdbcClient.class);
            assertThat(jdbc.sql("select count(*) from images").query(Integer.class).single()).isZero();
            assertThat(jdbc.sql("select count(*) from user_settings").query(Integer.class).single()).isZero();
            assertThat(jdbc.sql("select count(*) from republish_jobs").query(Integer.class).single()).isZero();
            for (String url : currentUrls) {
                assertThat(api.anonymousGet(url).statusCode()).isIn(403, 404);
            }
        }
    }

    private static boolean awaitReady(ConfigurableApplicationContext app) throws InterruptedException {
        DjlCloakEngine engine = app.getBean(DjlCloakEngine.class);
        Instant deadline = Instant.now().plusSeconds(180);
        while (!engine.isReady() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        return engine.isReady();
    }
}
