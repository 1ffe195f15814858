package dev.dntme.gateway.protection;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Background re-publishing ({@code DNTME_REPUBLISH_*}).
 *
 * @param pause      wait between two images, so uploads keep the cloak workers (bounds the rate)
 * @param batch      images per claim of a job before the lease is renewed
 * @param lease      how long a replica owns a job it works on; a crashed replica's job is taken over after it
 * @param pollEvery  how often idle replicas look for work
 */
@Validated
@ConfigurationProperties(prefix = "dntme.republish")
public record RepublishProperties(
        @DefaultValue("250ms") @NotNull Duration pause,
        @DefaultValue("10") @Min(1) @Max(1000) int batch,
        @DefaultValue("2m") @NotNull Duration lease,
        @DefaultValue("2s") @NotNull Duration pollEvery) {

    public RepublishProperties {
        if (lease != null && lease.compareTo(Duration.ofSeconds(10)) < 0) {
            throw new IllegalArgumentException("dntme.republish.lease must be at least 10s");
        }
    }
}
