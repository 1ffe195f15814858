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

    public static void isolatedDataDir(DynamicPropertyRegistry registry) {
        try {
            Path target = Path.of("target", "test-data");
            Files.createDirectories(target);
            Path dir = Files.createTempDirectory(target, "app-");
            registry.add("dntme.data-dir", () -> dir.toAbsolutePath().toString());
            registry.add("dntme.api.tokens", () -> ApiClient.TOKEN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
