package dev.dntme.gateway.upload.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends due webhook deliveries, signed, one at a time, on a thread of its own (a receiver that never answers must not
 * hold up the scheduler that the sweeper and the re-publish worker share). Without a configured URL it starts no
 * thread and opens no connection. Delivery is at least once: a sender that dies after the receiver answered but
 * before the row was marked sends again after the lease; receivers dedupe on {@code Webhook-Id}.
 */
@Component
public class WebhookDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    /** Deliveries per run at most, so that the pending gauge and the purge keep up while a backlog drains. */
    private static final int BATCH = 20;
    private static final Duration PURGE_EVERY = Duration.ofHours(1);

    private final WebhookOutbox outbox;
    private final WebhookProperties properties;
    private final HttpClient http;
    private final Counter delivered;
    private final Counter retried;
    private final Counter gaveUp;
    private final AtomicLong pending = new AtomicLong();
    private volatile Instant lastPurge = Instant.EPOCH;
    private volatile ScheduledExecutorService thread;

    WebhookDispatcher(WebhookOutbox outbox, WebhookProperties properties, MeterRegistry meters) {
        this.outbox = outbox;
        this.properties = properties;
        // Redirects are not followed: the signed request goes to the configured URL only (invariant 7).
        this.http = properties.enabled()
                ? HttpClient.newBuilder().connectTimeout(properties.timeout()).followRedirects(HttpClient.Redirect.NEVER).build()
                : null;
        // Registered up front, so dashboards and alerts see zeros rather than no series.
        this.delivered = outcome(meters, "delivered");
        this.retried = outcome(meters, "retried");
        this.gaveUp = outcome(meters, "gave-up");
        Gauge.builder("dntme.webhook.pending", pending, AtomicLong::get)
                .description("Webhook deliveries not yet delivered nor given up (0 while webhooks are off)").register(meters);
    }

    private static Counter outcome(MeterRegistry meters, String outcome) {
        return Counter.builder("dntme.webhook.deliveries").tag("outcome", outcome)
                .description("Webhook delivery tries by outcome").register(meters);
    }

    /** Sends what is due now, up to one batch; returns how many deliveries were tried. */
    public int dispatchDue() {
        if (!properties.enabled()) {
            return 0;
        }
        int tried = 0;
        for (; tried < BATCH; tried++) {
            Optional<WebhookOutbox.Delivery> next = outbox.claim(Instant.now(), properties.lease());
            if (next.isEmpty()) {
                break;
            }
            send(next.get());
        }
        pending.set(outbox.pending());
        purgeNow();
        return tried;
    }

    private void send(WebhookOutbox.Delivery d) {
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(properties.url())
                .timeout(properties.timeout())
                .header("Content-Type", "application/json")
                .header("Webhook-Id", d.id())
                .header("Webhook-Timestamp", Long.toString(timestamp))
                .header("Webhook-Signature", WebhookSignature.sign(properties.secret(), d.id(), timestamp, d.body()))
                .POST(HttpRequest.BodyPublishers.ofString(d.body(), StandardCharsets.UTF_8))
                .build();
        Integer status = null;
        String error = null;
        CompletableFuture<HttpResponse<Void>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            // The request timeout covers the wait for the answer's headers; this bounds the whole exchange.
            status = answer.get(properties.timeout().toMillis(), TimeUnit.MILLISECONDS).statusCode();
        } catch (TimeoutException e) {
            answer.cancel(true);
            error = "timeout";
        } catch (ExecutionException e) {
            // The class only: an exception's message may carry the URL, which can hold a credential of the receiver.
            error = e.getCause() == null ? "ExecutionException" : e.getCause().getClass().getSimpleName();
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            return; // shutting down: the lease runs out and the delivery is tried again
        }
        record(d, status, error);
    }

    private void record(WebhookOutbox.Delivery d, Integer status, String error) {
        if (status != null && status / 100 == 2) {
            if (outbox.delivered(d, status, Instant.now())) {
                delivered.increment();
                log.debug("webhook delivery {} delivered ({})", d.id(), status);
            }
            return;
        }
        String why = status != null ? "status " + status : error;
        if (d.attempts() >= properties.maxAttempts()) {
            if (outbox.gaveUp(d, status, error)) {
                gaveUp.increment();
                log.error("webhook delivery {} given up after {} tries (last: {})", d.id(), d.attempts(), why);
            }
            return;
        }
        Duration wait = backoff(d.attempts(), properties.initialBackoff(), properties.maxBackoff());
        if (outbox.retryAt(d, Instant.now().plus(wait), status, error)) {
            retried.increment();
            log.warn("webhook delivery {} try {} failed ({}), next try in {} s", d.id(), d.attempts(), why,
                    wait.toMillis() / 1000.0);
        }
    }

    /**
     * Exponential back-off with "equal jitter": after try n the wait is between half and all of
     * min(max, initial * 2^(n-1)), so receivers coming back after an outage are not hit by every replica at once.
     */
    static Duration backoff(int attempts, Duration initial, Duration max) {
        long ceiling = initial.toMillis();
        for (int n = 1; n < attempts && ceiling < max.toMillis(); n++) {
            ceiling *= 2; // stops at max, so it cannot overflow
        }
        ceiling = Math.min(ceiling, max.toMillis());
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }

    private void purgeNow() {
        Instant now = Instant.now();
        if (Duration.between(lastPurge, now).compareTo(PURGE_EVERY) >= 0) {
            lastPurge = now;
            outbox.purgeFinished(now.minus(properties.retention()));
        }
    }

    private void runSafely() {
        try {
            dispatchDue();
        } catch (RuntimeException e) {
            log.warn("webhook dispatch failed, will retry: {}", e.toString());
        }
    }

    @Override
    public void start() {
        if (!properties.enabled() || thread != null) {
            return;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-dispatcher");
            t.setDaemon(true);
            return t;
        });
        long every = properties.pollInterval().toMillis();
        executor.scheduleWithFixedDelay(this::runSafely, every, every, TimeUnit.MILLISECONDS);
        thread = executor;
    }

    /** A try cut short here is not recorded; its lease runs out and it is tried again (at least once). */
    @Override
    public void stop() {
        ScheduledExecutorService executor = thread;
        thread = null;
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(properties.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }
}
