package dev.dntme.gateway.upload;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link MediaLevelsContract} on the embedded H2 catalog. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class H2MediaLevelsTest extends MediaLevelsContract {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        settings(registry);
    }
}
