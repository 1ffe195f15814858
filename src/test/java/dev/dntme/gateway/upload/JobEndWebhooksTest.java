package dev.dntme.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.TestImages;
import dev.dntme.gateway.upload.webhook.WebhookDispatcher;
import dev.dntme.gateway.upload.webhook.WebhookOutbox;
import dev.dntme.gateway.upload.webhook.WebhookProperties;
import dev.dntme.gateway.upload.webhook.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job's end becomes exactly one webhook delivery, written in the job's transaction: committed with it, rolled back
 * with it. The views are real ones (an unflagged upload through the service), sent to a real receiver.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class JobEndWebhooksTest {

    static final String SECRET = "job-end-secret-0123456789abcdefghijkl";
    static final WebhookReceiver RECEIVER = new WebhookReceiver();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
        registry.add("dntme.webhooks.url", () -> RECEIVER.url("/hooks"));
        registry.add("dntme.webhooks.secret", () -> SECRET);
        registry.add("dntme.webhooks.poll-interval", () -> "1h");
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    @Autowired
    List<JobEndListener> listeners;

    @Autowired
    JobEndWebhooks webhooks;

    @Autowired
    WebhookOutbox outbox;

    @Autowired
    WebhookDispatcher dispatcher;

    @Autowired
    UploadService uploads;

    @Autowired
    ImageErasure erasure;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    @BeforeEach
    void clean() {
        jdbc.sql("delete from webhook_deliveries").update();
        RECEIVER.requests.clear();
    }

    private ImageView published() {
        return uploads.upload(new UploadCommand("hook-user", TestImages.jpeg(64, 48), null, null, null, null)).image();
    }

    private List<Map<String, Object>> rows() {
        return jdbc.sql("select * from webhook_deliveries order by created_at").query().listOfRows();
    }

    @Test
    void theWebhookListenerIsOneOfTheJobEndListeners() {
        assertThat(listeners).contains(webhooks);
    }

    @Test
    void aPublishedJobWritesOneDeliveryWithTheImageAsTheApiShowsItCommittedWithTheJobsTransaction() {
        ImageView image = published();

        transactions.executeWithoutResult(tx -> webhooks.jobEnded(image));

        assertThat(rows()).hasSize(1);
        Map<String, Object> row = rows().get(0);
        assertThat(row.get("event")).isEqualTo("image.published");
        assertThat(row.get("image_id")).isEqualTo(image.id());
        JsonNode body = json.readTree((String) row.get("body"));
        assertThat(body.get("id").asString()).isEqualTo(row.get("id"));
        assertThat(body.get("type").asString()).isEqualTo("image.published");
        assertThat(Instant.parse(body.get("occurredAt").asString())).isCloseTo(Instant.now(),
                org.assertj.core.api.Assertions.within(Duration.ofMinutes(1)));
        assertThat(body.get("image")).isEqualTo(json.readTree(json.writeValueAsString(image)));
        assertThat(body.at("/image/state").asString()).isEqualTo("published");
        assertThat(body.at("/image/publicUrl").asString()).isEqualTo(image.publicUrl());
    }

    @Test
    void aRejectedJobIsAnImageRejectedEvent() {
        ImageView image = TestViews.withState(published(), "rejected");

        transactions.executeWithoutResult(tx -> webhooks.jobEnded(image));

        assertThat(rows()).singleElement().satisfies(row -> assertThat(row.get("event")).isEqualTo("image.rejected"));
    }

    @Test
    void aJobEndThatIsRolledBackLeavesNoDelivery() {
        ImageView image = published();

        transactions.executeWithoutResult(tx -> {
            webhooks.jobEnded(image);
            tx.setRollbackOnly(); // the job's end was not recorded (say its state change lost a race)
        });

        assertThat(rows()).isEmpty();
    }

    @Test
    void aStateThatIsNotAnOutcomeWritesNothingAndDoesNotBreakTheCallersTransaction() {
        ImageView image = TestViews.withState(published(), "processing");

        transactions.executeWithoutResult(tx -> webhooks.jobEnded(image));

        assertThat(rows()).isEmpty();
    }

    @Test
    void withoutAWebhookUrlNothingIsWritten() {
        WebhookProperties off = new WebhookProperties(null, null, 8, Duration.ofSeconds(5), Duration.ofMinutes(10),
                Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofDays(7));
        JobEndWebhooks disabled = new JobEndWebhooks(off, outbox, json);

        transactions.executeWithoutResult(tx -> disabled.jobEnded(published()));

        assertThat(rows()).isEmpty();
    }

    @Test
    void theEventReachesTheReceiverSignedAndAsWritten() throws Exception {
        ImageView image = published();
        transactions.executeWithoutResult(tx -> webhooks.jobEnded(image));

        dispatcher.dispatchDue();

        assertThat(RECEIVER.requests).singleElement().satisfies(r -> {
            assertThat(r.body()).isEqualTo(rows().get(0).get("body"));
            assertThat(WebhookReceiver.verifies(r, SECRET)).isTrue();
            assertThat(json.readTree(r.body()).at("/image/id").asString()).isEqualTo(image.id());
        });
    }

    @Test
    void erasingTheImageErasesItsDeliveries() {
        ImageView image = published();
        transactions.executeWithoutResult(tx -> webhooks.jobEnded(image));

        erasure.erase(image.id());

        assertThat(rows()).isEmpty();
    }
}
