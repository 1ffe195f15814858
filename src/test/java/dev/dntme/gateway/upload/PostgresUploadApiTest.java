package dev.dntme.gateway.upload;

import dev.dntme.gateway.support.GatewayTestSupport;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same contract on PostgreSQL, the production catalog: the machine's local server
 * (127.0.0.1:5432, database {@code test}; override with DNTME_TEST_PG_URL), in a fresh schema per run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PostgresUploadApiTest extends UploadApiContract {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        String schema = "dntme_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = System.getenv().getOrDefault("DNTME_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        registry.add("spring.datasource.url", () -> url + "?currentSchema=" + schema);
        registry.add("spring.datasource.username", () -> System.getenv().getOrDefault("DNTME_TEST_PG_USER", "postgres"));
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.flyway.create-schemas", () -> "true");
    }
}
