package dev.dntme.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dntme.gateway.cloak.CloakStrength;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UploadPropertiesTest {

    private static UploadProperties fallback(String level) {
        return new UploadProperties(CloakStrength.HIGH, Duration.ofMinutes(15), Duration.ofMinutes(1), 2, Duration.ofDays(7),
                CloakStrength.MEDIUM, level, Duration.ofMinutes(2));
    }

    /** Costs per frame: LOW 0.4 s, MEDIUM 0.5 s, HIGH 2 s. */
    private static double cost(CloakStrength level) {
        return switch (level) {
            case LOW -> 0.4;
            case MEDIUM -> 0.5;
            case HIGH -> 2.0;
        };
    }

    /** LOW and MEDIUM cost the same per frame (both check-bound), HIGH more. */
    private static double sameCost(CloakStrength level) {
        return level == CloakStrength.HIGH ? 2.0 : 0.4;
    }

    @Test
    void aMediumGetsTheStrongestLevelWhoseFramesFitTheTimeTargetAndLowWhenNoneDoes() {
        UploadProperties twoMinutes = fallback("MEDIUM");
        assertThat(twoMinutes.mediaLevel(CloakStrength.HIGH, 12, UploadPropertiesTest::cost)).as("a short GIF").isEqualTo(CloakStrength.HIGH);
        assertThat(twoMinutes.mediaLevel(CloakStrength.HIGH, 240, UploadPropertiesTest::cost)).as("8 s at 30 fps: 120 s at MEDIUM")
                .isEqualTo(CloakStrength.MEDIUM);
        assertThat(twoMinutes.mediaLevel(CloakStrength.HIGH, 3000, UploadPropertiesTest::cost)).as("nothing fits: the cheapest")
                .isEqualTo(CloakStrength.LOW);
        assertThat(twoMinutes.mediaLevel(CloakStrength.HIGH, 3000, UploadPropertiesTest::sameCost))
                .as("nothing fits: of the cheapest, the strongest").isEqualTo(CloakStrength.MEDIUM);
        assertThat(twoMinutes.mediaLevel(CloakStrength.MEDIUM, 12, UploadPropertiesTest::cost)).as("never above the ceiling")
                .isEqualTo(CloakStrength.MEDIUM);
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
