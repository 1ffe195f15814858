package dev.dntme.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dntme.gateway.cloak.CloakStrength;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UploadPropertiesTest {

    private static UploadProperties fallback(String level) {
        return new UploadProperties(CloakStrength.HIGH, Duration.ofMinutes(15), Duration.ofMinutes(1), 2, Duration.ofDays(7),
                CloakStrength.MEDIUM, level);
    }

    @Test
    void everyOtherLevelFallsBackToTheFallbackLevelAndNoneMeansRejected() {
        assertThat(fallback("MEDIUM").fallbackFor(CloakStrength.HIGH)).hasValue(CloakStrength.MEDIUM);
        assertThat(fallback("MEDIUM").fallbackFor(CloakStrength.LOW)).as("a face LOW leaves short").hasValue(CloakStrength.MEDIUM);
        assertThat(fallback("MEDIUM").fallbackFor(CloakStrength.MEDIUM)).as("not to itself").isEmpty();
        assertThat(fallback("NONE").fallbackFor(CloakStrength.HIGH)).isEmpty();
    }

    @Test
    void anUnknownFallbackStopsStartUp() {
        assertThatThrownBy(() -> fallback("CLEAN")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fallback-strength");
    }
}
