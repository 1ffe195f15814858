package dev.dntme.gateway.cloak;

import java.util.Locale;
import java.util.Optional;

/** Protection levels; what each names (model set, budget, where it runs) lives in {@code CloakProperties} and docs/cloak.md. */
public enum CloakStrength {
    LOW, MEDIUM, HIGH;

    /**
     * A level as a client writes it ({@code low}, {@code MEDIUM}, {@code " high "}); empty for a blank or absent value.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Optional<CloakStrength> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(valueOf(value.strip().toUpperCase(Locale.ROOT)));
    }
}
