package dev.dntme.gateway.consent;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which rule decided an upload's DNT-ME flag, highest precedence first. */
public enum FlagSource {
    REQUEST, HEADER, METADATA, USER_SETTING, DEFAULT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static FlagSource fromWireName(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
