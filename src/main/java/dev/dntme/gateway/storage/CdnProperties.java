package dev.dntme.gateway.storage;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param purgeUrl webhook told (POST {@code {"urls":[...]}}) when a public copy is replaced or erased,
 *                 so the CDN drops its cached copy; empty = no CDN in front ({@code DNTME_CDN_PURGE_URL})
 * @param timeout  per call; a failed purge is retried twice and then logged and counted, never fatal
 */
@Validated
@ConfigurationProperties(prefix = "dntme.cdn")
public record CdnProperties(URI purgeUrl, @DefaultValue("5s") Duration timeout) {
    public CdnProperties {
        if (purgeUrl != null && !purgeUrl.toString().isBlank()
                && !("http".equals(purgeUrl.getScheme()) || "https".equals(purgeUrl.getScheme()))) {
            throw new IllegalArgumentException("dntme.cdn.purge-url must be an http(s) URL");
        }
    }
}
