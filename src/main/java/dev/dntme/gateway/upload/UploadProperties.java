package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.CloakStrength;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param defaultStrength cloak strength when the upload names none
 * @param staleAfter      an image still not published after this long belongs to a request that died;
 *                        the sweeper rolls it back (must exceed the longest cloak time by far)
 * @param sweepInterval   how often the sweeper looks
 */
@Validated
@ConfigurationProperties(prefix = "dntme.upload")
public record UploadProperties(
        @DefaultValue("MEDIUM") @NotNull CloakStrength defaultStrength,
        @DefaultValue("15m") @NotNull Duration staleAfter,
        @DefaultValue("1m") @NotNull Duration sweepInterval) {

    public UploadProperties {
        if (staleAfter != null && staleAfter.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("dntme.upload.stale-after must be at least 1s");
        }
    }
}
