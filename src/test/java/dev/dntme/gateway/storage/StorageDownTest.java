package dev.dntme.gateway.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.TestImages;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With S3 unreachable the service still starts and refuses uploads with a retryable 503; nothing is
 * published, and the row is kept only as a FAILED marker so the sweeper can remove any object a
 * timed-out write may have left.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(dev.dntme.gateway.support.TemporaryEngineDown.class)
class StorageDownTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        registry.add("dntme.s3.endpoint", () -> "http://127.0.0.1:9"); // discard port: nothing listens
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anUploadWhileStorageIsDownGetsARetryable503AndPublishesNothing() {
        HttpResponse<String> response = new ApiClient(port).upload(TestImages.jpeg(32, 32)).user("u1")
                .idempotencyKey("retry-me").send();

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("urn:dntme:problem:storage-unavailable");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(jdbc.sql("select state from images").query(String.class).list()).containsOnly("FAILED");
        HttpResponse<String> retry = new ApiClient(port).upload(TestImages.jpeg(32, 32)).user("u1")
                .idempotencyKey("retry-me").send();
        assertThat(retry.statusCode()).isEqualTo(503);
    }
}
