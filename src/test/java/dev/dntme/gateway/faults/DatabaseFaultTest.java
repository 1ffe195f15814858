package dev.dntme.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.cloak.Scraper;
import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.TestImages;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The catalog (the machine's PostgreSQL, fresh schema) goes away behind a {@link FaultyProxy}: before
 * an upload, and in the middle of one (the moment its original reaches S3). Every call gets a retryable
 * 503 problem — never a 500 — nothing is published, and once the database is back the retry with the
 * same Idempotency-Key succeeds.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatabaseFaultTest {

    static final String SCHEMA = "dntme_faults_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    static final String PG_HOST = "127.0.0.1";
    static final int PG_PORT = 5432;

    static FaultyProxy pgProxy;
    static TestS3Server s3Server;
    static FaultyProxy s3Proxy;
    static Scraper scraper;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
        pgProxy = new FaultyProxy(PG_HOST, PG_PORT);
        registry.add("spring.datasource.url",
                () -> "jdbc:postgresql://127.0.0.1:" + pgProxy.port() + "/test?currentSchema=" + SCHEMA);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> SCHEMA);
        registry.add("spring.flyway.create-schemas", () -> "true");
        Files.createDirectories(Path.of("target", "test-data"));
        s3Server = new TestS3Server(Files.createTempDirectory(Path.of("target", "test-data"), "s3-dbfaults-").toAbsolutePath());
        s3Proxy = new FaultyProxy("127.0.0.1", s3Server.port()); // only watched, never broken, in this class
        registry.add("dntme.s3.endpoint", () -> "http://127.0.0.1:" + s3Proxy.port());
        registry.add("dntme.s3.access-key", () -> TestS3Server.ACCESS_KEY);
        registry.add("dntme.s3.secret-key", () -> TestS3Server.SECRET_KEY);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1500");
        registry.add("dntme.upload.stale-after", () -> "2s");
        registry.add("dntme.upload.sweep-interval", () -> "500ms");
    }

    @BeforeAll
    static void scraper() {
        scraper = new Scraper();
    }

    @AfterAll
    static void stop() throws Exception {
        JdbcClient.create(new DriverManagerDataSource("jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/test",
                "postgres", "")).sql("drop schema if exists " + SCHEMA + " cascade").update();
        scraper.close();
        pgProxy.close();
        s3Proxy.close();
        s3Server.close();
    }

    @LocalServerPort
    int port;

    ApiClient api;
    S3Client direct;
    /** Straight to PostgreSQL, not through the proxy: the test's own view of the catalog. */
    JdbcClient catalog;

    @Autowired
    JdbcClient appJdbc; // only to make sure the context is up before the first test breaks anything

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        direct = s3Server.directClient();
        catalog = JdbcClient.create(new DriverManagerDataSource(
                "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/test?currentSchema=" + SCHEMA, "postgres", ""));
    }

    @AfterEach
    void invariantsHoldAfterTheFault() throws Exception {
        pgProxy.heal();
        s3Proxy.heal();
        Invariants.assertHold(direct, catalog, scraper);
        direct.close();
    }

    @Test
    void withTheDatabaseDownEveryCallGetsARetryable503NotA500AndNothingIsPublished() throws Exception {
        int publicBefore = Invariants.keys(direct, "dntme-public").size();
        pgProxy.mode(FaultyProxy.Mode.REFUSE);

        assertRetryable503(api.upload(TestImages.jpeg(64, 48)).user("db-down").idempotencyKey("k1").send());
        assertRetryable503(api.get("/v1/images/" + UUID.randomUUID()));
        assertRetryable503(api.putJson("/v1/users/db-down/settings", "{\"dntMe\": true}"));
        assertRetryable503(api.delete("/v1/images/" + UUID.randomUUID()));
        assertThat(Invariants.keys(direct, "dntme-public")).as("nothing published").hasSize(publicBefore);

        pgProxy.heal();
        HttpResponse<String> retried = retryWhile503(
                () -> api.upload(TestImages.jpeg(64, 48)).user("db-down").idempotencyKey("k1").send());
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
        assertThat(Invariants.keys(direct, "dntme-public")).hasSize(publicBefore + 1);
    }

    @Test
    void whenTheDatabaseDiesRightAfterTheOriginalIsSentTheClientGets503AndTheRetrySucceedsOnceTheRowIsSwept()
            throws Exception {
        int publicBefore = Invariants.keys(direct, "dntme-public").size();
        s3Proxy.cutWhenClientSends("PUT /dntme-private/", null, () -> {
            try {
                pgProxy.mode(FaultyProxy.Mode.REFUSE);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        assertRetryable503(api.upload(TestImages.jpeg(80, 60)).user("db-mid").idempotencyKey("k2").send());
        assertThat(s3Proxy.tripped()).as("the database died while the original was being stored").isTrue();
        assertThat(Invariants.keys(direct, "dntme-public")).as("nothing published").hasSize(publicBefore);

        pgProxy.heal();
        // The row could be neither deleted nor marked FAILED while the database was down; until it is
        // stale, a retry cannot tell it from a request still running on another replica (409). The
        // first call after recovery may also meet a pooled connection the outage killed (503).
        HttpResponse<String> early = retryWhile503(
                () -> api.upload(TestImages.jpeg(80, 60)).user("db-mid").idempotencyKey("k2").send());
        assertThat(early.statusCode()).as(early.body()).isIn(201, 409);
        if (early.statusCode() == 409) {
            assertThat(early.body()).contains("urn:dntme:problem:upload-in-progress");
            assertThat(early.headers().firstValue("Retry-After")).isPresent();
            Eventually.await("the sweeper rolled back the stale row", Duration.ofSeconds(30),
                    () -> states("db-mid").isEmpty());
        }
        HttpResponse<String> retried = api.upload(TestImages.jpeg(80, 60)).user("db-mid").idempotencyKey("k2").send();
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
        assertThat(states("db-mid")).containsExactly("PUBLISHED");
        assertThat(Invariants.keys(direct, "dntme-public")).as("published exactly once").hasSize(publicBefore + 1);
    }

    /**
     * The pool still holds connections the outage killed; each is found dead on use (503) and evicted,
     * so a client retrying as told gets through after a few tries.
     */
    private static HttpResponse<String> retryWhile503(java.util.function.Supplier<HttpResponse<String>> call) {
        HttpResponse<String> response = call.get();
        for (int i = 0; i < 12 && response.statusCode() == 503; i++) {
            assertRetryable503(response);
            response = call.get();
        }
        return response;
    }

    private List<String> states(String user) {
        return catalog.sql("select state from images where user_id = ?").param(user).query(String.class).list();
    }

    private static void assertRetryable503(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.body()).contains("urn:dntme:problem:storage-unavailable");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }
}
