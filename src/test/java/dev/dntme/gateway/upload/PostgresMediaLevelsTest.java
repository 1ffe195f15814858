package dev.dntme.gateway.upload;

import dev.dntme.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link MediaLevelsContract} on PostgreSQL, the production catalog. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PostgresMediaLevelsTest extends MediaLevelsContract {

    private static final String SCHEMA = TestPostgres.newSchema();

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.drop(SCHEMA);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        settings(registry);
        TestPostgres.use(registry, SCHEMA);
    }
}
