package dev.dntme.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.GatewayApplication;
import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.TestImages;
import dev.dntme.gateway.upload.webhook.WebhookDispatcher;
import dev.dntme.gateway.upload.webhook.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A delivery outlives the process that wrote it: the application is started, records a job's end, fails one try and
 * is shut down; a second start on the same catalog delivers it on its own, once more, with the same id.
 */
class WebhookRestartTest {

    static final String SECRET = "restart-secret-0123456789abcdefghijkl";

    private static Map<String, Object> settings(Path dataDir, WebhookReceiver receiver, String pollInterval) {
        Map<String, Object> p = new HashMap<>();
        p.put("dntme.data-dir", dataDir.toAbsolutePath().toString());
        p.put("dntme.api.tokens", ApiClient.TOKEN);
        p.put("dntme.s3.embedded-port", "0");
        p.put("dntme.cloak.model-location", "models/not-installed");
        p.put("dntme.cloak.workers", "1");
        p.put("dntme.webhooks.url", receiver.url("/hooks"));
        p.put("dntme.webhooks.secret", SECRET);
        p.put("dntme.webhooks.initial-backoff", "100ms");
        p.put("dntme.webhooks.max-backoff", "200ms");
        p.put("dntme.webhooks.poll-interval", pollInterval);
        return p;
    }

    private static ConfigurableApplicationContext start(Map<String, Object> settings) {
        return new SpringApplicationBuilder(GatewayApplication.class).web(WebApplicationType.NONE)
                .properties(settings).run();
    }

    @Test
    void aDeliveryWrittenBeforeAShutdownIsDeliveredAfterTheRestart() throws Exception {
        Files.createDirectories(Path.of("target", "test-data"));
        Path dataDir = Files.createTempDirectory(Path.of("target", "test-data"), "restart-");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.answer(r -> 503); // the receiver is down while the first process runs
            String deliveryId;
            try (ConfigurableApplicationContext first = start(settings(dataDir, receiver, "1h"))) {
                ImageView image = first.getBean(UploadService.class)
                        .upload(new UploadCommand("restart-user", TestImages.jpeg(32, 32), null, null, null, null)).image();
                first.getBean(TransactionTemplate.class)
                        .executeWithoutResult(tx -> first.getBean(JobEndWebhooks.class).jobEnded(image));
                first.getBean(WebhookDispatcher.class).dispatchDue();
                assertThat(receiver.requests).hasSize(1);
                deliveryId = receiver.requests.get(0).id();
            }

            receiver.answer(r -> 200);
            try (ConfigurableApplicationContext second = start(settings(dataDir, receiver, "100ms"))) {
                JdbcClient jdbc = second.getBean(JdbcClient.class);
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (jdbc.sql("select count(*) from webhook_deliveries where delivered_at is not null")
                        .query(Integer.class).single() == 0) {
                    assertThat(System.nanoTime()).as("delivered after the restart").isLessThan(deadline);
                    Thread.sleep(50);
                }
                Thread.sleep(500); // a few more polls: nothing more is sent
            }

            assertThat(receiver.requests).extracting(WebhookReceiver.Received::id)
                    .containsExactly(deliveryId, deliveryId);
            assertThat(receiver.requests.get(1).body()).isEqualTo(receiver.requests.get(0).body());
            assertThat(WebhookReceiver.verifies(receiver.requests.get(1), SECRET)).isTrue();
        }
    }
}
