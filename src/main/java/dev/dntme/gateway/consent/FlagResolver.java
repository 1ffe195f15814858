package dev.dntme.gateway.consent;

import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Decides the flag: explicit request field, then the {@code DNT-ME} header, then the photo's own XMP
 * Data Mining mark, then the user's stored setting, then off.
 */
@Component
public class FlagResolver {

    private final UserSettingsRepository settings;

    FlagResolver(UserSettingsRepository settings) {
        this.settings = settings;
    }

    /**
     * @param requestField the multipart field {@code dntMe}, as sent (null when absent)
     * @param header       the {@code DNT-ME} header (null when absent)
     * @param photoSaysProhibited the upload's XMP carries {@code plus:DataMining = DMI-PROHIBITED*}
     */
    public FlagDecision resolve(String userId, String requestField, String header, boolean photoSaysProhibited) {
        Optional<Boolean> explicit = parseField(requestField);
        if (explicit.isPresent()) {
            return new FlagDecision(explicit.get(), FlagSource.REQUEST);
        }
        if (headerFlags(header)) {
            return new FlagDecision(true, FlagSource.HEADER);
        }
        if (photoSaysProhibited) {
            return new FlagDecision(true, FlagSource.METADATA);
        }
        return settings.find(userId)
                .map(setting -> new FlagDecision(setting, FlagSource.USER_SETTING))
                .orElse(new FlagDecision(false, FlagSource.DEFAULT));
    }

    private static Optional<Boolean> parseField(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> Optional.of(true);
            case "false", "0" -> Optional.of(false);
            default -> throw new ApiException(Problem.INVALID_FLAG, "dntMe must be true or false");
        };
    }

    /**
     * The header can only switch protection on: {@code DNT-ME: 0} means "no opinion", so a platform
     * that sends it by default cannot override a user's own setting or the photo's own mark.
     */
    private static boolean headerFlags(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw new ApiException(Problem.INVALID_FLAG, "The DNT-ME header must be 1 or 0");
        };
    }
}
