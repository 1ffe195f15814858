package dev.dntme.gateway.upload.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.support.GatewayTestSupport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Two replicas on the production catalog (the machine's PostgreSQL, 127.0.0.1:5432 database {@code test}, or
 * DNTME_TEST_PG_URL; a fresh schema per run): the application's dispatcher and a second one with its own connections
 * drain the same outbox at the same time, and no delivery is sent twice.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class PostgresWebhookDispatchTest {

    private static final String SCHEMA = "dntme_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String URL = System.getenv().getOrDefault("DNTME_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getenv().getOrDefault("DNTME_TEST_PG_USER", "postgres");
    static final String SECRET = "pg-secret-0123456789abcdefghijklmnopq";
    static final WebhookReceiver RECEIVER = new WebhookReceiver();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
        registry.add("spring.datasource.url", () -> URL + "?currentSchema=" + SCHEMA);
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> SCHEMA);
        registry.add("spring.flyway.create-schemas", () -> "true");
        registry.add("dntme.webhooks.url", () -> RECEIVER.url("/hooks"));
        registry.add("dntme.webhooks.secret", () -> SECRET);
        registry.add("dntme.webhooks.poll-interval", () -> "1h");
    }

    @AfterAll
    static void dropSchema() throws Exception {
        RECEIVER.close();
        try (var connection = java.sql.DriverManager.getConnection(URL, USER, "");
                var statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + SCHEMA + " cascade");
        }
    }

    @Autowired
    WebhookDispatcher dispatcher;

    @Autowired
    WebhookOutbox outbox;

    @Autowired
    WebhookProperties properties;

    @Autowired
    JdbcClient jdbc;

    /** Another replica: its own connections to the same database, its own dispatcher and meters. */
    private WebhookOutbox otherReplicasOutbox() {
        return new WebhookOutbox(JdbcClient.create(
                new DriverManagerDataSource(URL + "?currentSchema=" + SCHEMA, USER, "")));
    }

    @BeforeEach
    void clean() {
        jdbc.sql("delete from webhook_deliveries").update();
        RECEIVER.requests.clear();
        RECEIVER.answer(r -> {
            Thread.sleep(5); // long enough for the two replicas to overlap
            return 200;
        });
    }

    private List<String> enqueue(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = UUID.randomUUID().toString();
            outbox.add(id, UUID.randomUUID().toString(), "image.published", "{\"id\":\"" + id + "\"}", Instant.now());
            ids.add(id);
        }
        return ids;
    }

    @Test
    void twoReplicasDrainingOneOutboxAtOnceSendEveryDeliveryExactlyOnce() throws Exception {
        List<String> ids = enqueue(60);
        WebhookDispatcher other = new WebhookDispatcher(otherReplicasOutbox(), properties, new SimpleMeterRegistry());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> replicas = List.of(drain(dispatcher), drain(other), drain(dispatcher), drain(other));
            int tried = 0;
            for (Future<Integer> f : pool.invokeAll(replicas)) {
                tried += f.get();
            }
            assertThat(tried).isEqualTo(ids.size());
        } finally {
            pool.shutdownNow();
        }

        Map<String, Long> perId = RECEIVER.requests.stream()
                .collect(Collectors.groupingBy(WebhookReceiver.Received::id, Collectors.counting()));
        assertThat(perId.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(perId.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
        assertThat(jdbc.sql("select count(*) from webhook_deliveries where delivered_at is null").query(Integer.class)
                .single()).isZero();
    }

    private static Callable<Integer> drain(WebhookDispatcher d) {
        return () -> {
            int total = 0;
            for (int n; (n = d.dispatchDue()) > 0; ) {
                total += n;
            }
            return total;
        };
    }

    @Test
    void aDeliveryHeldByOneReplicaIsNotTakenByAnotherUntilItsLeaseRunsOut() {
        String id = enqueue(1).get(0);
        WebhookOutbox other = otherReplicasOutbox();
        Instant now = Instant.now();

        assertThat(outbox.claim(now, Duration.ofMinutes(1))).map(WebhookOutbox.Delivery::id).contains(id);
        assertThat(other.claim(now, Duration.ofMinutes(1))).as("held").isEmpty();
        // The holder died: once its lease has run out the delivery is taken over, and the try counted again.
        assertThat(other.claim(now.plus(Duration.ofMinutes(2)), Duration.ofMinutes(1)))
                .map(WebhookOutbox.Delivery::attempts).contains(2);
    }

    @Test
    void aSenderWhoseLeaseWasTakenOverRecordsNothing() {
        enqueue(1);
        Instant now = Instant.now();
        WebhookOutbox.Delivery stale = outbox.claim(now, Duration.ofSeconds(1)).orElseThrow();
        WebhookOutbox.Delivery current = otherReplicasOutbox().claim(now.plusSeconds(5), Duration.ofMinutes(1)).orElseThrow();

        assertThat(outbox.delivered(stale, 200, Instant.now())).isFalse();
        assertThat(outbox.delivered(current, 200, Instant.now())).isTrue();
    }
}
