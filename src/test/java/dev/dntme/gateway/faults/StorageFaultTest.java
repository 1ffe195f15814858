package dev.dntme.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.cloak.Scraper;
import dev.dntme.gateway.cloak.engine.DjlCloakEngine;
import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.TestImages;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * S3 breaks in the middle of an upload — after the original is stored, at the moment the public copy
 * is sent — through a real S3 server behind a {@link FaultyProxy}. The client must get a retryable
 * 503, nothing may be public, no original may be left without its row, and once S3 is back the retry
 * with the same Idempotency-Key publishes exactly once (a cloaked copy for a flagged photo).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StorageFaultTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The request line of the public copy's PUT (path-style): the fault lands between the two writes. */
    private static final String PUBLIC_PUT = "PUT /dntme-public/";

    static TestS3Server s3Server;
    static FaultyProxy s3Proxy;
    static Scraper scraper;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        GatewayTestSupport.isolatedDataDir(registry);
        Files.createDirectories(Path.of("target", "test-data"));
        s3Server = new TestS3Server(Files.createTempDirectory(Path.of("target", "test-data"), "s3-faults-").toAbsolutePath());
        s3Proxy = new FaultyProxy("127.0.0.1", s3Server.port());
        registry.add("dntme.s3.endpoint", () -> "http://127.0.0.1:" + s3Proxy.port());
        registry.add("dntme.s3.access-key", () -> TestS3Server.ACCESS_KEY);
        registry.add("dntme.s3.secret-key", () -> TestS3Server.SECRET_KEY);
        registry.add("dntme.cloak.workers", () -> "1");
        // faults of the request path: flagged photos at the level that is cloaked within the request
        registry.add("dntme.upload.default-strength", () -> "MEDIUM");
        registry.add("dntme.upload.sweep-interval", () -> "1s");
    }

    @BeforeAll
    static void scraper() {
        scraper = new Scraper();
    }

    @AfterAll
    static void stop() throws Exception {
        scraper.close();
        s3Proxy.close();
        s3Server.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DjlCloakEngine engine;

    ApiClient api;
    S3Client direct;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        direct = s3Server.directClient();
    }

    @AfterEach
    void invariantsHoldAfterTheFault() throws Exception {
        s3Proxy.heal();
        Invariants.assertHold(direct, jdbc, scraper);
        direct.close();
    }

    @Test
    void anUnflaggedUploadCutBetweenItsTwoWritesGetsARetryable503AndItsRetryPublishesExactlyOnce() throws Exception {
        byte[] photo = TestImages.jpeg(320, 240);
        int publicBefore = Invariants.keys(direct, "dntme-public").size();
        s3Proxy.cutWhenClientSends(PUBLIC_PUT, FaultyProxy.Mode.CLOSE, null);

        HttpResponse<String> failed = api.upload(photo).user("s3-fault-a").idempotencyKey("cut-1").send();

        assertThat(s3Proxy.tripped()).as("the fault hit the public copy's PUT").isTrue();
        assertRetryable503(failed);
        assertThat(Invariants.keys(direct, "dntme-public")).as("nothing published").hasSize(publicBefore);
        Invariants.assertHold(direct, jdbc, scraper); // the original, if still there, has its (FAILED) row

        s3Proxy.heal();
        HttpResponse<String> retried = api.upload(photo).user("s3-fault-a").idempotencyKey("cut-1").send();
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("false");
        JsonNode image = JSON.readTree(retried.body());
        assertThat(api.anonymousGet(image.get("publicUrl").asString()).statusCode()).isEqualTo(200);
        assertThat(Invariants.keys(direct, "dntme-public")).as("published exactly once").hasSize(publicBefore + 1);
        assertThat(rowsOf("s3-fault-a")).containsExactly("PUBLISHED");

        HttpResponse<String> again = api.upload(photo).user("s3-fault-a").idempotencyKey("cut-1").send();
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(JSON.readTree(again.body()).get("id").asString()).isEqualTo(image.get("id").asString());
        assertThat(Invariants.keys(direct, "dntme-public")).hasSize(publicBefore + 1);
    }

    @Test
    void aFlaggedUploadCutBeforeItsCloakedCopyIsStoredPublishesNothingAndItsRetryPublishesACloakedCopy() throws Exception {
        Eventually.await("the cloak engine is ready", Duration.ofMinutes(3), engine::isReady);
        byte[] photo = TestImages.photo("people/obama/obama-3.jpg");
        int publicBefore = Invariants.keys(direct, "dntme-public").size();
        s3Proxy.cutWhenClientSends(PUBLIC_PUT, FaultyProxy.Mode.CLOSE, null);

        HttpResponse<String> failed = api.upload(photo).user("s3-fault-b").header("DNT-ME", "1")
                .idempotencyKey("cut-2").send();

        assertThat(s3Proxy.tripped()).as("the fault hit the cloaked copy's PUT").isTrue();
        assertRetryable503(failed);
        assertThat(Invariants.keys(direct, "dntme-public")).as("nothing published, clean or cloaked")
                .hasSize(publicBefore);

        s3Proxy.heal();
        HttpResponse<String> retried = api.upload(photo).user("s3-fault-b").header("DNT-ME", "1")
                .idempotencyKey("cut-2").send();
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
        JsonNode image = JSON.readTree(retried.body());
        assertThat(image.get("dntMe").asBoolean()).isTrue();
        byte[] published = api.anonymousGet(image.get("publicUrl").asString()).body();
        assertThat(scraper.faces(published)).as("the published copy still shows a face").isNotEmpty();
        assertThat(scraper.linkable(published, photo)).as("a scraper links the published copy to the original")
                .isFalse();
        assertThat(Invariants.keys(direct, "dntme-public")).as("published exactly once").hasSize(publicBefore + 1);
    }

    @Test
    void anUploadThatFailedOnStorageAndIsNeverRetriedIsRolledBackByTheSweeperOnceStorageIsBack() throws Exception {
        int privateBefore = Invariants.keys(direct, "dntme-private").size();
        s3Proxy.cutWhenClientSends(PUBLIC_PUT, FaultyProxy.Mode.REFUSE, null);

        assertRetryable503(api.upload(TestImages.jpeg(64, 64)).user("s3-fault-c").idempotencyKey("gone").send());
        assertThat(rowsOf("s3-fault-c")).as("roll-back could not finish: kept as a marker").containsExactly("FAILED");
        assertThat(Invariants.keys(direct, "dntme-private")).as("the original its roll-back could not delete")
                .hasSize(privateBefore + 1);

        s3Proxy.heal();
        Eventually.await("the sweeper removed the FAILED upload", Duration.ofSeconds(30),
                () -> rowsOf("s3-fault-c").isEmpty());
        assertThat(Invariants.keys(direct, "dntme-private")).hasSize(privateBefore);
    }

    private List<String> rowsOf(String user) {
        return jdbc.sql("select state from images where user_id = ?").param(user).query(String.class).list();
    }

    private static void assertRetryable503(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.body()).contains("urn:dntme:problem:storage-unavailable");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }
}
