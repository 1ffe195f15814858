package dev.dntme.gateway.upload;

import dev.dntme.gateway.upload.webhook.WebhookOutbox;
import dev.dntme.gateway.upload.webhook.WebhookProperties;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a media job's end into a webhook delivery (docs/api.md, "Webhooks"). Called inside the transaction that
 * records the end, so the delivery row commits with the new state or not at all; the dispatcher sends it later.
 * The body is fixed here, once: every try sends (and signs) the same bytes.
 */
@Component
class JobEndWebhooks implements JobEndListener {

    private static final Logger log = LoggerFactory.getLogger(JobEndWebhooks.class);

    private final WebhookProperties properties;
    private final WebhookOutbox outbox;
    private final JsonMapper json;

    JobEndWebhooks(WebhookProperties properties, WebhookOutbox outbox, JsonMapper json) {
        this.properties = properties;
        this.outbox = outbox;
        this.json = json;
    }

    /** The webhook body: the image as {@code GET /v1/images/{id}} shows it, wrapped in the event. */
    record Event(String id, String type, Instant occurredAt, ImageView image) {
    }

    @Override
    public void jobEnded(ImageView image) {
        if (!properties.enabled()) {
            return; // no URL, no webhooks: nothing is written
        }
        String type = switch (image.state()) {
            case "published" -> "image.published";
            case "rejected" -> "image.rejected";
            default -> null;
        };
        if (type == null) {
            // Not thrown: an exception here would roll back the job's end. Only the two final outcomes are events.
            log.warn("no webhook for image {} ending in state {}", image.id(), image.state());
            return;
        }
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        outbox.add(id, image.id(), type, json.writeValueAsString(new Event(id, type, now, image)), now);
    }
}
