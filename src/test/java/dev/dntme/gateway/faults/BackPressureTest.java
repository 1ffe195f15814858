package dev.dntme.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.cloak.Scraper;
import dev.dntme.gateway.cloak.engine.DjlCloakEngine;
import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.TestImages;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * A burst of 12 concurrent flagged face photos against one cloak worker with a queue of 2, through the
 * real API and the real engine: every answer is 201, 429 with Retry-After, or a 503 with a known problem
 * type — never a 500; the refused ones leave nothing stored; the accepted ones are cloaked (a scraper
 * cannot link them); the heap after GC stays bounded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BackPressureTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int BURST = 12;
    private static final Set<String> KNOWN_503 = Set.of("urn:dntme:problem:cloak-unavailable",
            "urn:dntme:problem:cloak-failed", "urn:dntme:problem:storage-unavailable");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        registry.add("dntme.cloak.workers", () -> "1");
        // back-pressure of the request path: flagged photos at the level that is cloaked within the request
        registry.add("dntme.upload.default-strength", () -> "MEDIUM");
        registry.add("dntme.cloak.queue-capacity", () -> "2");
    }

    @LocalServerPort
    int port;

    @Autowired
    DjlCloakEngine engine;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    S3Client s3;

    @Test
    void aBurstLargerThanTheCloakQueueIsAnsweredWith201Or429Or503NeverA500AndRefusedUploadsLeaveNothing()
            throws Exception {
        Eventually.await("the cloak engine is ready", Duration.ofMinutes(3), engine::isReady);
        ApiClient api = new ApiClient(port);
        byte[] photo = TestImages.photo("people/obama/obama-3.jpg");
        long heapBefore = heapAfterGc();

        ExecutorService pool = Executors.newFixedThreadPool(BURST);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            String user = "burst-" + i;
            calls.add(pool.submit(() -> {
                go.await();
                return api.upload(photo).user(user).header("DNT-ME", "1").send();
            }));
        }
        go.countDown();
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (Future<HttpResponse<String>> call : calls) {
            answers.add(call.get());
        }
        pool.shutdown();
        long heapAfter = heapAfterGc();

        Map<Integer, Integer> byStatus = new TreeMap<>();
        answers.forEach(a -> byStatus.merge(a.statusCode(), 1, Integer::sum));
        System.out.printf("burst of %d: statuses %s; heap after GC %d MiB before, %d MiB after%n", BURST, byStatus,
                heapBefore >> 20, heapAfter >> 20);

        List<JsonNode> accepted = new ArrayList<>();
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as(answer.body()).isIn(201, 429, 503);
            switch (answer.statusCode()) {
                case 201 -> accepted.add(JSON.readTree(answer.body()));
                case 429 -> {
                    assertThat(answer.body()).contains("urn:dntme:problem:cloak-busy");
                    assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                }
                default -> {
                    assertThat(JSON.readTree(answer.body()).get("type").asString()).isIn(KNOWN_503);
                    assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                }
            }
        }
        assertThat(byStatus.getOrDefault(429, 0)).as("the queue overflowed: some were refused").isPositive();
        assertThat(accepted).as("the queue still served some").isNotEmpty();

        // Refused uploads leave nothing: the buckets and the catalog hold exactly the accepted images.
        assertThat(jdbc.sql("select count(*) from images").query(Integer.class).single()).isEqualTo(accepted.size());
        assertThat(jdbc.sql("select count(*) from images where state = 'PUBLISHED'").query(Integer.class).single())
                .isEqualTo(accepted.size());
        assertThat(Invariants.keys(s3, "dntme-private")).hasSize(accepted.size());
        assertThat(Invariants.keys(s3, "dntme-public")).hasSize(accepted.size());

        try (Scraper scraper = new Scraper()) {
            for (JsonNode image : accepted) {
                assertThat(image.get("dntMe").asBoolean()).isTrue();
                assertThat(image.get("faces").asInt()).isPositive();
                byte[] published = api.anonymousGet(image.get("publicUrl").asString()).body();
                assertThat(scraper.linkable(published, photo)).as("accepted image %s is linkable", image.get("id"))
                        .isFalse();
            }
            Invariants.assertHold(s3, jdbc, scraper);
        }

        // Waiting photos are bounded by the queue, so the burst cannot grow the heap without limit.
        assertThat(heapAfter - heapBefore).as("heap growth after GC across the burst").isLessThan(128L << 20);
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
