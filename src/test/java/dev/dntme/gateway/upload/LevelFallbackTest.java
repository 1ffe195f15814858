package dev.dntme.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.Scraper;
import dev.dntme.gateway.cloak.engine.DjlCloakEngine;
import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.TestImages;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A flagged still whose level cannot protect it is cloaked at {@code dntme.upload.fallback-strength} instead of being
 * rejected, and says so on its receipt; never published clean. HIGH is given a budget that cannot reach the fail bar.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LevelFallbackTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        registry.add("dntme.cloak.workers", () -> "1");
        registry.add("dntme.media-jobs.poll-interval", () -> "100ms");
        // half a level of perturbation for one step: no face gets past the fail bar at HIGH
        registry.add("dntme.cloak.high.recognizers", () -> "dlib");
        registry.add("dntme.cloak.high.epsilon", () -> "0.5");
        registry.add("dntme.cloak.high.steps", () -> "1");
        registry.add("dntme.cloak.high.rounds", () -> "1");
        registry.add("dntme.upload.fallback-strength", () -> "MEDIUM");
    }

    @LocalServerPort
    int port;

    @Autowired
    DjlCloakEngine engine;

    @Test
    void aStillItsLevelCannotProtectIsPublishedAtTheFallbackLevelAndItsReceiptSaysSo() throws Exception {
        assertThat(engine.awaitReady(300_000)).as("cloak engine warm").isTrue();
        ApiClient api = new ApiClient(port);
        byte[] photo = TestImages.photo("people/obama/obama-3.jpg");

        JsonNode image = JsonMapper.builder().build().readTree(
                api.awaitJobEnd(api.upload(photo).user("fallback-user").field("dntMe", "true").send(), Duration.ofMinutes(3)));
        assertThat(image.get("state").asString()).as(image.toString()).isEqualTo("published");
        assertThat(image.get("receipt").get("strength").asString()).isEqualTo("MEDIUM");
        assertThat(image.get("receipt").get("modelVersion").asString()).isEqualTo(engine.modelVersion(CloakStrength.MEDIUM));
        try (Scraper scraper = new Scraper()) {
            byte[] published = api.anonymousGet(image.get("publicUrl").asString()).body();
            assertThat(scraper.linkable(published, photo)).as("published clean").isFalse();
        }
    }
}
