package dev.dntme.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.TestImages;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A settings change starts a background re-publish job; what that job logs must not name the user
 * either. Fails today: {@code RepublishWorker} logs the job id, which is {@code user:<userId>}
 * ("re-publish job user:... waits for the cloak engine" / "... done"). The fix belongs to the
 * protection package (log a hash or a job sequence number instead); enable this test with it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class BackgroundJobLogPrivacyTest {

    static final String USER = "bg-" + HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(), 0, 6);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
        registry.add("dntme.republish.poll-every", () -> "200ms");
    }

    @LocalServerPort
    int port;

    @Test
    void theRePublishJobAUserSettingStartsDoesNotLogTheUserId(CapturedOutput output) {
        ApiClient api = new ApiClient(port);
        assertThat(api.upload(TestImages.jpeg(64, 48)).user(USER).send().statusCode()).isEqualTo(201);
        assertThat(api.putJson("/v1/users/" + USER + "/settings", "{\"dntMe\": true}").statusCode()).isEqualTo(200);
        Eventually.await("the re-publish worker handled the job", Duration.ofSeconds(20),
                () -> output.getAll().contains("re-publish job"));
        assertThat(output.getAll()).doesNotContain(USER);
    }
}
