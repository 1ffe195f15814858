package dev.dntme.gateway.upload;

import dev.dntme.gateway.support.GatewayTestSupport;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same contract on PostgreSQL, the production catalog: the machine's local server
 * (127.0.0.1:5432, database {@code test}; override with DNTME_TEST_PG_URL), in a fresh schema per run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PostgresUploadApiTest extends UploadApiContract {

    private static final String SCHEMA = "dntme_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String URL = System.getenv().getOrDefault("DNTME_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getenv().getOrDefault("DNTME_TEST_PG_USER", "postgres");

    /** The shared test database keeps nothing of this run. */
    @AfterAll
    static void dropSchema() throws Exception {
        try (var connection = java.sql.DriverManager.getConnection(URL, USER, "");
                var statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + SCHEMA + " cascade");
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
        String schema = SCHEMA;
        String url = URL;
        registry.add("spring.datasource.url", () -> url + "?currentSchema=" + schema);
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.flyway.create-schemas", () -> "true");
    }
}
