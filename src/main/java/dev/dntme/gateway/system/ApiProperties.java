package dev.dntme.gateway.system;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param tokens bearer tokens accepted on /v1 ({@code DNTME_API_TOKENS}, comma-separated), each
 *               {@code <token>} or {@code <scope>:<token>} with scope {@code upload} or {@code internal}
 *               (a bare token is internal); when empty, one internal token is generated at start-up and
 *               written to {@code <data dir>/api-token}
 */
@Validated
@ConfigurationProperties(prefix = "dntme.api")
public record ApiProperties(List<String> tokens) {
    public ApiProperties {
        tokens = tokens == null ? List.of()
                : tokens.stream().map(String::strip).filter(t -> !t.isEmpty()).toList();
        for (String entry : tokens) {
            String token = entry.startsWith("upload:") || entry.startsWith("internal:")
                    ? entry.substring(entry.indexOf(':') + 1) : entry;
            if (token.length() < 16) {
                throw new IllegalArgumentException("dntme.api.tokens: every token needs at least 16 characters");
            }
        }
    }
}
