package dev.dntme.gateway.storage;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Tells the CDN to forget a public URL after its object was replaced (re-cloak) or erased. The one
 * outbound call besides S3 and the database, and only when configured.
 */
@Component
public class CdnPurge {

    private static final Logger log = LoggerFactory.getLogger(CdnPurge.class);
    private static final int ATTEMPTS = 3;

    private final CdnProperties properties;
    private final MeterRegistry meters;
    private final HttpClient http;

    CdnPurge(CdnProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.meters = meters;
        this.http = HttpClient.newBuilder().connectTimeout(properties.timeout()).build();
    }

    public void purge(String publicUrl) {
        if (properties.purgeUrl() == null || properties.purgeUrl().toString().isBlank()) {
            return;
        }
        String body = "{\"urls\":[\"" + publicUrl.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]}";
        HttpRequest request = HttpRequest.newBuilder(properties.purgeUrl()).timeout(properties.timeout())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    meters.counter("dntme.cdn.purges", "outcome", "ok").increment();
                    return;
                }
                log.warn("CDN purge answered {} (attempt {})", response.statusCode(), attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                log.warn("CDN purge failed (attempt {}): {}", attempt, e.toString());
            }
        }
        meters.counter("dntme.cdn.purges", "outcome", "failed").increment();
    }
}
