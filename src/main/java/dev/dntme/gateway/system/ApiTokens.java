package dev.dntme.gateway.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The accepted API tokens, kept only as SHA-256 digests and compared in constant time, so neither a
 * heap dump nor response timing gives a token away. A configured entry is {@code <token>} (scope
 * internal) or {@code upload:<token>} / {@code internal:<token>}.
 */
@Component
class ApiTokens {

    private static final Logger log = LoggerFactory.getLogger(ApiTokens.class);

    private record Known(byte[] digest, Scope scope) {}

    private final List<Known> known;

    ApiTokens(ApiProperties properties, DataDirectory dataDirectory) {
        List<String> entries = properties.tokens();
        if (entries.isEmpty()) {
            entries = List.of(generatedToken(dataDirectory.resolve("api-token")));
        }
        List<Known> parsed = new ArrayList<>();
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            boolean scoped = colon > 0 && (entry.startsWith("upload:") || entry.startsWith("internal:"));
            Scope scope = scoped ? Scope.parse(entry.substring(0, colon)) : Scope.INTERNAL;
            parsed.add(new Known(sha256(scoped ? entry.substring(colon + 1) : entry), scope));
        }
        this.known = List.copyOf(parsed);
    }

    /** The presented token's scope; every known digest is compared, so timing does not tell which matched. */
    Optional<Scope> scopeOf(String presented) {
        byte[] digest = sha256(presented);
        Scope match = null;
        for (Known k : known) {
            if (MessageDigest.isEqual(k.digest(), digest)) {
                match = match == null || k.scope() == Scope.INTERNAL ? k.scope() : match;
            }
        }
        return Optional.ofNullable(match);
    }

    /** Reuses the token file across restarts so clients keep working; creates it owner-only. */
    private static String generatedToken(Path file) {
        try {
            if (Files.exists(file)) {
                String existing = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (existing.length() >= 16) {
                    log.info("API token read from {}", file);
                    return existing;
                }
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            log.info("No DNTME_API_TOKENS configured: generated an API token (scope internal) in {}", file);
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generated API token to " + file, e);
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
