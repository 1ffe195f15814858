package dev.dntme.gateway.support;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The machine's PostgreSQL (127.0.0.1:5432, database {@code test}; DNTME_TEST_PG_URL and DNTME_TEST_PG_USER to
 * change) as an application's catalog, in a fresh schema per test class that the class drops when it is done.
 */
public final class TestPostgres {

    private static final String URL = System.getenv().getOrDefault("DNTME_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getenv().getOrDefault("DNTME_TEST_PG_USER", "postgres");

    private TestPostgres() {
    }

    public static String newSchema() {
        return "dntme_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Points the application's datasource and Flyway at {@code schema}, created by the migration. */
    public static void use(DynamicPropertyRegistry registry, String schema) {
        registry.add("spring.datasource.url", () -> URL + "?currentSchema=" + schema);
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.flyway.create-schemas", () -> "true");
    }

    /** The shared test database keeps nothing of the run. */
    public static void drop(String schema) throws SQLException {
        try (var connection = DriverManager.getConnection(URL, USER, ""); var statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        }
    }
}
