package dev.dntme.gateway.cloak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.cloak.engine.DjlCloakEngine;
import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.TestImages;
import dev.dntme.gateway.support.TestPostgres;
import dev.dntme.gateway.upload.webhook.WebhookReceiver;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default, strong level on PostgreSQL, the production catalog (FlaggedUploadTest covers H2): a flagged photo with
 * a three-recogniser model set goes through the job queue and the real catalog, its row records the level and a
 * bounded model version, and a scraper can no longer link the public copy (issue 19: the seven-recogniser set's
 * version overflowed the column and every flagged upload failed).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StrongLevelPostgresTest {

    private static final String SCHEMA = TestPostgres.newSchema();

    private static final String SECRET = "strong-level-webhook-secret-0123456789abcdef";
    private static final WebhookReceiver RECEIVER = new WebhookReceiver();

    @AfterAll
    static void dropSchema() throws Exception {
        RECEIVER.close();
        TestPostgres.drop(SCHEMA);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        registry.add("dntme.cloak.workers", () -> "1");
        registry.add("dntme.media-jobs.poll-interval", () -> "100ms");
        registry.add("dntme.webhooks.url", () -> RECEIVER.url("/hooks"));
        registry.add("dntme.webhooks.secret", () -> SECRET);
        TestPostgres.use(registry, SCHEMA);
    }

    @LocalServerPort
    int port;

    @Autowired
    DjlCloakEngine engine;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aFlaggedPhotoAtTheDefaultStrongLevelIsPublishedThroughTheCatalogWithABoundedModelVersion() throws Exception {
        assertThat(engine.awaitReady(300_000)).as("cloak engine warm").isTrue();
        ApiClient api = new ApiClient(port);
        byte[] photo = TestImages.photo("people/biden/biden-2.jpg");

        JsonNode image = json(api.awaitJobEnd(api.upload(photo).user("pg-strong-user").field("dntMe", "true").send(),
                Duration.ofMinutes(4)));
        String id = image.get("id").asString();
        assertThat(image.get("state").asString()).as(image.toString()).isEqualTo("published");
        Map<String, Object> row = jdbc.sql("select strength, cloak_model_version from images where id = ?").param(id)
                .query().singleRow();
        assertThat(row.get("strength")).isEqualTo("HIGH");
        assertThat((String) row.get("cloak_model_version")).isEqualTo(engine.modelVersion(CloakStrength.HIGH))
                .startsWith("set-").hasSizeLessThanOrEqualTo(100);
        assertThat(image.get("receipt").get("models").size()).isEqualTo(CloakProperties.STRONG_SET.size());
        // the platform that does not poll is told, signed, as for animations and videos
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (RECEIVER.requests.stream().noneMatch(r -> r.body().contains(id)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        WebhookReceiver.Received told = RECEIVER.requests.stream().filter(r -> r.body().contains(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no webhook for " + id));
        assertThat(told.body()).contains("image.published");
        assertThat(WebhookReceiver.verifies(told, SECRET)).isTrue();
        try (Scraper scraper = new Scraper()) {
            byte[] published = api.anonymousGet(image.get("publicUrl").asString()).body();
            assertThat(scraper.faces(published)).isNotEmpty();
            assertThat(scraper.linkable(published, photo)).as("the public copy links to the original").isFalse();
        }
    }

    private static JsonNode json(String body) {
        return JsonMapper.builder().build().readTree(body);
    }
}
