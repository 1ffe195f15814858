package dev.dntme.gateway.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.TestImages;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The same storage code against MinIO, as production runs it; skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(dev.dntme.gateway.support.TemporaryEngineDown.class)
class MinioStorageTest {

    @Container
    static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2025-04-22T22-12-26Z");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        registry.add("dntme.s3.endpoint", MINIO::getS3URL);
        registry.add("dntme.s3.access-key", MINIO::getUserName);
        registry.add("dntme.s3.secret-key", MINIO::getPassword);
        registry.add("dntme.s3.public-read", () -> "bucket-policy");
    }

    @LocalServerPort
    int port;

    @Test
    void anUploadStoresTheOriginalAndServesItBackFromMinio() {
        ApiClient api = new ApiClient(port);
        byte[] photo = TestImages.photo("people/obama/obama-1.jpg");

        HttpResponse<String> created = api.upload(photo).user("minio-user").send();

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = created.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        assertThat(api.getBytes("/v1/images/" + id + "/original").body()).isEqualTo(photo);
        assertThat(api.delete("/v1/images/" + id).statusCode()).isEqualTo(204);
    }
}
