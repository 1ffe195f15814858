package dev.dntme.gateway.protection;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.TestImages;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/** The CDN purge webhook is a real HTTP endpoint here, and it hears about every public copy that goes away. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CdnPurgeTest {

    private static final List<String> PURGES = new CopyOnWriteArrayList<>();
    private static final HttpServer CDN = cdn();

    private static HttpServer cdn() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/purge", exchange -> {
                PURGES.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
        registry.add("dntme.cdn.purge-url", () -> "http://127.0.0.1:" + CDN.getAddress().getPort() + "/purge");
    }

    @AfterAll
    static void stop() {
        CDN.stop(0);
    }

    @LocalServerPort
    int port;

    @Test
    void erasingAnImageTellsTheCdnToDropItsPublicUrl() {
        ApiClient api = new ApiClient(port);
        var image = JsonMapper.builder().build().readTree(api.upload(TestImages.jpeg(64, 48)).user("cdn-user").send().body());
        String publicUrl = image.get("publicUrl").asString();

        api.delete("/v1/images/" + image.get("id").asString());

        assertThat(PURGES).anySatisfy(body -> assertThat(body).contains(publicUrl).startsWith("{\"urls\":["));
    }
}
