package dev.dntme.gateway.upload;

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
 * Until a {@link MediaRenderer} bean exists, the service accepts nothing it could not publish: an animation is refused
 * at upload (415, nothing stored), while stills go on as before.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestMedia.GifHeaders.class)
class MediaUploadWithoutRendererTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @Test
    void anAnimationIsRefusedWith415AndNothingIsStoredWhileAStillGifIsStillPublished() {
        ApiClient api = new ApiClient(port);

        HttpResponse<String> refused = api.upload(TestGifs.animated(3, 99)).user("no-renderer-user").send();

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(415);
        assertThat(refused.body()).contains("urn:dntme:problem:unsupported-media-type");
        assertThat(jdbc.sql("select count(*) from images").query(Integer.class).single()).isZero();

        HttpResponse<String> still = api.upload(TestImages.encode(TestImages.gradient(64, 48), "gif"))
                .user("no-renderer-user").send();
        assertThat(still.statusCode()).as(still.body()).isEqualTo(201);
    }
}
