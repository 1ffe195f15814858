package dev.dntme.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Settings every test application shares: its own data directory and a known API token. */
public final class GatewayTestSupport {

    private GatewayTestSupport() {
    }

    /**
     * The real cloak engine pointed at a folder with no weights: it fails to load, stays not-ready, and
     * every flagged upload must fail closed. Cheap, so tests that never cloak use it too.
     */
    public static void cloakModelsMissing(DynamicPropertyRegistry registry) {
        registry.add("dntme.cloak.model-location", () -> "models/not-installed");
        registry.add("dntme.cloak.workers", () -> "1");
    }

    public static void isolatedDataDir(DynamicPropertyRegistry registry) {
        try {
            Path target = Path.of("target", "test-data");
            Files.createDirectories(target);
            Path dir = Files.createTempDirectory(target, "app-");
            registry.add("dntme.data-dir", () -> dir.toAbsolutePath().toString());
            registry.add("dntme.api.tokens", () -> ApiClient.TOKEN + ",upload:" + ApiClient.UPLOAD_TOKEN);
            registry.add("dntme.s3.embedded-port", () -> "0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
