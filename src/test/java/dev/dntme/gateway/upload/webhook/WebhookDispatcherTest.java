package dev.dntme.gateway.upload.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.support.GatewayTestSupport;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dispatcher against a real HTTP receiver on 127.0.0.1 and the real catalog (H2). The background thread is
 * parked (poll interval of an hour); each test drives {@link WebhookDispatcher#dispatchDue()} itself.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class WebhookDispatcherTest {

    static final String SECRET = "test-secret-0123456789-abcdefghijklmnop";
    static final WebhookReceiver RECEIVER = new WebhookReceiver();
    static final Duration TIMEOUT = Duration.ofMillis(700);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
        registry.add("dntme.webhooks.url", () -> RECEIVER.url("/hooks"));
        registry.add("dntme.webhooks.secret", () -> SECRET);
        registry.add("dntme.webhooks.max-attempts", () -> "3");
        registry.add("dntme.webhooks.initial-backoff", () -> "40ms");
        registry.add("dntme.webhooks.max-backoff", () -> "100ms");
        registry.add("dntme.webhooks.timeout", () -> TIMEOUT.toMillis() + "ms");
        registry.add("dntme.webhooks.poll-interval", () -> "1h");
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    @Autowired
    WebhookDispatcher dispatcher;

    @Autowired
    WebhookOutbox outbox;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void clean() {
        jdbc.sql("delete from webhook_deliveries").update();
        RECEIVER.requests.clear();
        RECEIVER.answer(r -> 204);
    }

    private String enqueue() {
        String id = UUID.randomUUID().toString();
        outbox.add(id, UUID.randomUUID().toString(), "image.published",
                "{\"id\":\"" + id + "\",\"type\":\"image.published\",\"image\":{\"state\":\"published\",\"name\":\"Zoë\"}}",
                Instant.now());
        return id;
    }

    private Map<String, Object> row(String id) {
        return jdbc.sql("select * from webhook_deliveries where id = ?").param(id).query().singleRow();
    }

    private double count(String outcome) {
        return meters.counter("dntme.webhook.deliveries", "outcome", outcome).count();
    }

    /** Runs the dispatcher until the condition holds (the back-off is tens of milliseconds here). */
    private void dispatchUntil(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition reached in time").isLessThan(deadline);
            dispatcher.dispatchDue();
            Thread.sleep(20);
        }
    }

    @Test
    void aDeliveryIsPostedOnceWithASignatureThatVerifiesWithTheSecret() throws Exception {
        String id = enqueue();
        double deliveredBefore = count("delivered");

        assertThat(dispatcher.dispatchDue()).isEqualTo(1);

        assertThat(RECEIVER.requests).hasSize(1);
        WebhookReceiver.Received r = RECEIVER.requests.get(0);
        assertThat(r.path()).isEqualTo("/hooks");
        assertThat(r.id()).isEqualTo(id);
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.body()).isEqualTo(row(id).get("body")).contains("Zoë");
        assertThat(Long.parseLong(r.timestamp())).isCloseTo(Instant.now().getEpochSecond(),
                org.assertj.core.data.Offset.offset(60L));
        assertThat(r.signature()).matches("v1=[0-9a-f]{64}");
        assertThat(WebhookReceiver.verifies(r, SECRET)).as("verifies with the secret").isTrue();
        assertThat(WebhookReceiver.verifies(r, SECRET + "x")).as("not with another secret").isFalse();
        WebhookReceiver.Received tampered = new WebhookReceiver.Received(r.path(), r.id(), r.timestamp(), r.signature(),
                r.contentType(), r.body().replace("published", "rejected"));
        assertThat(WebhookReceiver.verifies(tampered, SECRET)).as("not over another body").isFalse();

        assertThat(row(id).get("delivered_at")).isNotNull();
        assertThat(row(id).get("last_status")).isEqualTo(204);
        assertThat(count("delivered")).isEqualTo(deliveredBefore + 1);
        assertThat(dispatcher.dispatchDue()).as("nothing left to send").isZero();
        assertThat(RECEIVER.requests).hasSize(1);
    }

    @Test
    void a500IsRetriedWithBackOffAndThenDeliveredExactlyOnce() throws Exception {
        RECEIVER.answer(r -> RECEIVER.requests.size() == 1 ? 500 : 200);
        String id = enqueue();
        double retriedBefore = count("retried");

        dispatcher.dispatchDue();
        assertThat(row(id).get("last_status")).isEqualTo(500);
        assertThat(row(id).get("delivered_at")).isNull();
        assertThat(count("retried")).isEqualTo(retriedBefore + 1);
        Instant next = ((java.time.OffsetDateTime) row(id).get("next_attempt_at")).toInstant();
        assertThat(next).as("backed off").isAfter(Instant.now().minusMillis(100));

        dispatchUntil(() -> row(id).get("delivered_at") != null);
        for (int i = 0; i < 5; i++) {
            dispatcher.dispatchDue();
        }

        assertThat(RECEIVER.countFor(id)).isEqualTo(2);
        assertThat(row(id).get("attempts")).isEqualTo(2);
        assertThat(row(id).get("last_status")).isEqualTo(200);
        assertThat(RECEIVER.requests.get(0).body()).isEqualTo(RECEIVER.requests.get(1).body());
    }

    @Test
    void aReceiverThatNeverAnswersIsCutOffAtTheTimeoutAndTriedAgain() throws Exception {
        RECEIVER.answer(r -> {
            if (RECEIVER.requests.size() == 1) {
                Thread.sleep(10_000); // never answers in time
            }
            return 200;
        });
        String id = enqueue();

        long started = System.nanoTime();
        dispatcher.dispatchDue();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).as("cut off at the timeout").isGreaterThanOrEqualTo(TIMEOUT.minusMillis(50))
                .isLessThan(TIMEOUT.plusSeconds(2));
        assertThat(row(id).get("delivered_at")).isNull();
        assertThat(row(id).get("last_status")).isNull();
        assertThat((String) row(id).get("last_error")).containsIgnoringCase("timeout");

        dispatchUntil(() -> row(id).get("delivered_at") != null);
        assertThat(RECEIVER.countFor(id)).isEqualTo(2);
    }

    @Test
    void afterMaxAttemptsTheDeliveryIsGivenUpCountedAndKept() throws Exception {
        RECEIVER.answer(r -> 503);
        String id = enqueue();
        double gaveUpBefore = count("gave-up");

        dispatchUntil(() -> row(id).get("next_attempt_at") == null);
        for (int i = 0; i < 5; i++) {
            dispatcher.dispatchDue();
            Thread.sleep(30);
        }

        assertThat(RECEIVER.countFor(id)).as("max-attempts tries, no more").isEqualTo(3);
        assertThat(row(id).get("attempts")).isEqualTo(3);
        assertThat(row(id).get("delivered_at")).isNull();
        assertThat(row(id).get("last_status")).isEqualTo(503);
        assertThat(count("gave-up")).isEqualTo(gaveUpBefore + 1);
        assertThat(outbox.pending()).isZero();
        assertThat(meters.get("dntme.webhook.pending").gauge().value()).isZero();
    }

    @Test
    void aRedirectIsNotFollowedButTriedAgainAtTheConfiguredUrl() throws Exception {
        RECEIVER.answer(r -> r.path().equals("/hooks") && RECEIVER.requests.size() == 1 ? 307 : 200);
        String id = enqueue();

        dispatchUntil(() -> row(id).get("delivered_at") != null);

        assertThat(RECEIVER.requests).extracting(WebhookReceiver.Received::path).containsExactly("/hooks", "/hooks");
    }

    @Test
    void pendingCountsDeliveriesNotYetSent() {
        RECEIVER.answer(r -> 500);
        enqueue();
        enqueue();

        dispatcher.dispatchDue();

        assertThat(meters.get("dntme.webhook.pending").gauge().value()).isEqualTo(2);
    }

    @Test
    void theBackOffDoublesWithJitterUpToTheMaximum() {
        Duration initial = Duration.ofSeconds(5);
        Duration max = Duration.ofMinutes(10);
        for (int i = 0; i < 200; i++) {
            assertThat(WebhookDispatcher.backoff(1, initial, max)).isBetween(Duration.ofMillis(2500), initial);
            assertThat(WebhookDispatcher.backoff(3, initial, max)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
            assertThat(WebhookDispatcher.backoff(30, initial, max)).isBetween(max.dividedBy(2), max);
        }
    }
}
