package dev.dntme.gateway.upload.webhook;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Signed webhooks told when an asynchronous media job ends ({@code DNTME_WEBHOOKS_*}, docs/api.md).
 *
 * @param url            where events are POSTed; empty = no webhooks: nothing is written and no connection is made
 * @param secret         HMAC-SHA256 key of the {@code Webhook-Signature} header; required with a URL, at least 32 bytes
 * @param maxAttempts    tries per delivery before it is given up (logged and counted, the row kept)
 * @param initialBackoff wait after the first failed try; doubled per try, with jitter
 * @param maxBackoff     longest wait between two tries
 * @param timeout        connect and answer time of one try; the receiver must answer within it
 * @param pollInterval   how often a replica looks for due deliveries
 * @param retention      how long delivered and given-up deliveries stay in the table (their bodies name users)
 */
@Validated
@ConfigurationProperties(prefix = "dntme.webhooks")
public record WebhookProperties(
        URI url,
        String secret,
        @DefaultValue("8") @Min(1) @Max(30) int maxAttempts,
        @DefaultValue("5s") @NotNull Duration initialBackoff,
        @DefaultValue("10m") @NotNull Duration maxBackoff,
        @DefaultValue("5s") @NotNull Duration timeout,
        @DefaultValue("2s") @NotNull Duration pollInterval,
        @DefaultValue("7d") @NotNull Duration retention) {

    static final int MIN_SECRET_BYTES = 32;

    public WebhookProperties {
        if (url != null && url.toString().isBlank()) {
            url = null;
        }
        if (url != null) {
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                throw new IllegalArgumentException("dntme.webhooks.url must be an absolute http(s) URL");
            }
            if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("dntme.webhooks.secret is required with a webhook URL and needs at least "
                        + MIN_SECRET_BYTES + " bytes");
            }
        }
        positive("initial-backoff", initialBackoff);
        positive("max-backoff", maxBackoff);
        positive("timeout", timeout);
        positive("poll-interval", pollInterval);
        positive("retention", retention);
        if (initialBackoff != null && maxBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("dntme.webhooks.max-backoff must not be shorter than initial-backoff");
        }
    }

    private static void positive(String name, Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new IllegalArgumentException("dntme.webhooks." + name + " must be positive");
        }
    }

    public boolean enabled() {
        return url != null;
    }

    /**
     * How long a replica owns a delivery it is sending: far longer than one try can take (the try is cut off at
     * {@code timeout}), so a live sender never loses its delivery to another replica; a dead one's is taken over after it.
     */
    Duration lease() {
        return timeout.multipliedBy(2).plusSeconds(30);
    }

    /** The secret never reaches a log, not even through a failed start-up's bound values. */
    @Override
    public String toString() {
        return "WebhookProperties[url=" + (url == null ? "none" : url.getScheme() + "://" + url.getHost() + "/…")
                + ", secret=" + (secret == null ? "none" : "(hidden)") + ", maxAttempts=" + maxAttempts
                + ", initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff + ", timeout=" + timeout
                + ", pollInterval=" + pollInterval + ", retention=" + retention + "]";
    }
}
