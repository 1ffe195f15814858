package dev.dntme.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.GatewayApplication;
import dev.dntme.gateway.cloak.Scraper;
import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.TestImages;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service is killed (SIGKILL, a separate JVM: no shutdown hook, no roll-back, no graceful drain)
 * while the real cloak engine works on a flagged face photo. Started again on the same data directory:
 * no public object was ever written for it (no clean copy, not even briefly), the start-up sweep rolls
 * the interrupted row and its original back, and the client's retry with the same Idempotency-Key
 * publishes a cloaked copy that a scraper cannot link to the original.
 */
class CrashDuringCloakTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String USER = "crash-user";
    private static final String KEY = "crash-retry-1";
    private static final String PHOTO = "people/obama/obama-1.jpg";

    @Test
    void aServiceKilledMidCloakPublishesNothingAndAfterRestartTheRowIsRolledBackAndTheRetryIsCloaked() throws Exception {
        Files.createDirectories(Path.of("target", "test-data"));
        Path dataDir = Files.createTempDirectory(Path.of("target", "test-data"), "crash-").toAbsolutePath();
        int s3Port = freePort();
        int appPort = freePort();
        byte[] photo = TestImages.photo(PHOTO);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        Process child = startChild(dataDir, appPort, s3Port);
        try {
            Eventually.await("the first service is ready (cloak warm)", Duration.ofMinutes(4),
                    () -> status(http, "http://127.0.0.1:" + appPort + "/actuator/health/readiness") == 200);
            ApiClient first = new ApiClient(appPort);
            CompletableFuture<HttpResponse<String>> upload = CompletableFuture.supplyAsync(() -> first.upload(photo)
                    .user(USER).header("DNT-ME", "1").field("strength", "high").idempotencyKey(KEY).send());

            Eventually.await("a cloak worker took the photo", Duration.ofMinutes(1),
                    () -> cloakJobsStarted(http, appPort) >= 1 || upload.isDone());
            assertThat(upload).as("the kill must land while the cloak runs").isNotDone();
            try (S3Client s3 = TestS3Server.client(URI.create("http://127.0.0.1:" + s3Port), "dntme", "dntme-local-secret")) {
                assertThat(Invariants.keys(s3, "dntme-private")).as("original stored before the cloak").hasSize(1);
                assertThat(Invariants.keys(s3, "dntme-public")).isEmpty();
            }

            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(upload).failsWithin(Duration.ofSeconds(30));
        } finally {
            child.destroyForcibly();
        }
        assertThat(filesUnder(dataDir.resolve("s3").resolve("dntme-public"))).as("public objects on disk after the kill")
                .isEmpty();
        Thread.sleep(1_100); // the interrupted row is now older than the restarted service's stale-after (1s)

        try (ConfigurableApplicationContext second = startInProcess(dataDir, s3Port);
                Scraper scraper = new Scraper()) {
            assertThat(second.getEnvironment().getProperty("dntme.data-dir")).isEqualTo(dataDir.toString());
            JdbcClient jdbc = second.getBean(JdbcClient.class);
            S3Client s3 = second.getBean(S3Client.class);
            assertThat(jdbc.sql("select count(*) from images").query(Integer.class).single())
                    .as("the start-up sweep rolled the interrupted row back").isZero();
            assertThat(Invariants.keys(s3, "dntme-private")).as("and its original").isEmpty();
            assertThat(Invariants.keys(s3, "dntme-public")).isEmpty();

            ApiClient api = new ApiClient(((WebServerApplicationContext) second).getWebServer().getPort());
            Eventually.await("the restarted service is ready", Duration.ofMinutes(3),
                    () -> status(http, api.base() + "/actuator/health/readiness") == 200);
            HttpResponse<String> retried = api.upload(photo).user(USER).header("DNT-ME", "1").field("strength", "high")
                    .idempotencyKey(KEY).send();
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
            assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("false");
            JsonNode image = JSON.readTree(retried.body());
            assertThat(image.get("dntMe").asBoolean()).isTrue();
            byte[] published = api.anonymousGet(image.get("publicUrl").asString()).body();
            assertThat(scraper.faces(published)).isNotEmpty();
            assertThat(scraper.linkable(published, photo)).as("the retry's copy is linkable to the original").isFalse();
            assertThat(Invariants.keys(s3, "dntme-public")).hasSize(1);
            Invariants.assertHold(s3, jdbc, scraper);
        }
    }

    private static Process startChild(Path dataDir, int appPort, int s3Port) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                GatewayApplication.class.getName()));
        command.addAll(args(dataDir, appPort, s3Port));
        File log = dataDir.resolve("first-service.log").toFile();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        return builder.start();
    }

    /**
     * Command-line arguments, not {@code SpringApplicationBuilder.properties(..)}: those are defaults,
     * and application.yml's own {@code dntme.data-dir} and {@code server.port} would win over them.
     */
    private static ConfigurableApplicationContext startInProcess(Path dataDir, int s3Port) {
        List<String> args = new ArrayList<>(args(dataDir, 0, s3Port));
        args.add("--dntme.upload.stale-after=1s"); // the start-up sweep may roll back the dead request's row
        args.add("--dntme.upload.sweep-interval=1h"); // and no later sweep races the retry's own cloak
        return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    }

    private static List<String> args(Path dataDir, int appPort, int s3Port) {
        return List.of("--server.port=" + appPort, "--dntme.data-dir=" + dataDir,
                "--dntme.api.tokens=" + ApiClient.TOKEN, "--dntme.s3.embedded-port=" + s3Port,
                "--dntme.cloak.workers=1",
                // the longest budget, cloaked within the request: the kill lands while the request holds the photo
                "--dntme.cloak.high.in-request=true", "--dntme.cloak.high.recognizers=dlib");
    }

    /** Photos a cloak worker has taken off the queue (the queue-wait timer records each one as it starts). */
    private static double cloakJobsStarted(HttpClient http, int port) {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(l -> l.startsWith("dntme_cloak_queue_wait_seconds_count"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (IOException | InterruptedException | RuntimeException e) {
            return 0;
        }
    }

    private static int status(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
