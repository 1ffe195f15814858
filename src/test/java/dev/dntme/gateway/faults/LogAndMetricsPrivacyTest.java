package dev.dntme.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.TestImages;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * Logs and metrics are read by more people than the catalog: no user id and no token may reach them.
 * The whole API surface a platform uses — uploads (clean and fail-closed), reads, originals, settings,
 * deletion, user erasure, and the 400/401/403/404/409/422 paths — runs while the log is captured; then
 * the log and {@code /actuator/prometheus} are searched for the user id and every token string.
 * Also: every {@code /v1} mapping the application has (enumerated, so a new endpoint cannot slip
 * through) refuses a request without a token. That the private bucket is not anonymously readable is
 * proved in {@code UploadApiContract#theOriginalIsNotReadableAnonymouslyFromStorage}.
 *
 * <p>Background re-publish jobs are kept from running here ({@code poll-every=1h}): their logging is
 * covered by {@link BackgroundJobLogPrivacyTest}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class LogAndMetricsPrivacyTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String USER = "priv-" + HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(), 0, 6);
    private static final String WRONG_TOKEN = "wrong-" + UUID.randomUUID().toString().replace("-", "");

    /** Mapped by the application outside /v1, open on purpose: the console's static page and the error page. */
    /** Open on purpose: the console's static page, errors, and the OpenAPI contract (docs/operations.md; it holds no data). */
    private static final Set<String> OPEN_PATHS = Set.of("/console", "/console/", "/error", "/v3/api-docs", "/v3/api-docs.yaml");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
        registry.add("dntme.republish.poll-every", () -> "1h");
    }

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void noUserIdAndNoTokenReachesTheLogOrTheMetricsWhateverTheRequestDid(CapturedOutput output) throws Exception {
        ApiClient api = new ApiClient(port);
        byte[] photo = TestImages.jpeg(64, 48);

        HttpResponse<String> created = api.upload(photo).user(USER).idempotencyKey("priv-key").send();
        assertThat(created.statusCode()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asString();
        assertThat(api.upload(photo).user(USER).idempotencyKey("priv-key").send().statusCode()).isEqualTo(201);
        assertThat(api.upload(TestImages.jpeg(32, 32)).user(USER).idempotencyKey("priv-key").send().statusCode())
                .isEqualTo(422);
        assertThat(api.upload(photo).user(USER).header("DNT-ME", "1").send().statusCode())
                .as("fail-closed path").isEqualTo(503);
        assertThat(api.upload(new byte[] {1, 2, 3}).user(USER).send().statusCode()).isIn(400, 415);
        assertThat(api.upload(photo).user(USER + " bad!").send().statusCode()).isEqualTo(400);
        assertThat(api.upload(photo).user(USER).header("DNT-ME", "maybe").send().statusCode()).isEqualTo(400);
        assertThat(api.get("/v1/images/" + id).statusCode()).isEqualTo(200);
        assertThat(api.getBytes("/v1/images/" + id + "/original").statusCode()).isEqualTo(200);
        assertThat(api.get("/v1/images/" + USER).statusCode()).isEqualTo(404);
        assertThat(api.putJson("/v1/users/" + USER + "/settings", "{\"dntMe\": true}").statusCode()).isEqualTo(200);
        assertThat(api.putJson("/v1/users/" + USER + "/settings", "{\"dntMe\": false}").statusCode()).isEqualTo(200);
        assertThat(api.putJson("/v1/users/" + USER + "/settings", "{\"nope\": 1}").statusCode()).isEqualTo(400);
        assertThat(api.get("/v1/users/" + USER + "/settings").statusCode()).isEqualTo(200);
        assertThat(api.withToken(WRONG_TOKEN).get("/v1/users/" + USER + "/settings").statusCode()).isEqualTo(401);
        assertThat(api.withToken(ApiClient.UPLOAD_TOKEN).get("/v1/users/" + USER + "/settings").statusCode())
                .isEqualTo(403);
        assertThat(api.withToken(ApiClient.UPLOAD_TOKEN).delete("/v1/images/" + id).statusCode()).isEqualTo(403);
        assertThat(api.withToken(WRONG_TOKEN).upload(photo).user(USER).send().statusCode()).isEqualTo(401);
        assertThat(api.delete("/v1/images/" + id).statusCode()).isEqualTo(204);
        assertThat(api.delete("/v1/images/" + id).statusCode()).isEqualTo(204);
        assertThat(api.upload(photo).user(USER).send().statusCode()).isEqualTo(201);
        assertThat(api.delete("/v1/users/" + USER).statusCode()).isEqualTo(204);

        String metrics = api.get("/actuator/prometheus").body();
        assertThat(metrics).contains("dntme_uploads_total").doesNotContain(USER);
        for (String secret : List.of(USER, ApiClient.TOKEN, ApiClient.UPLOAD_TOKEN, WRONG_TOKEN)) {
            assertThat(output.getAll()).as("the log").doesNotContain(secret);
            assertThat(metrics).as("/actuator/prometheus").doesNotContain(secret);
        }
        assertThat(output.getAll()).as("the capture saw the application's log").contains("dntme");
    }

    @Test
    void everyV1EndpointTheApplicationMapsRefusesARequestWithoutAValidToken() {
        ApiClient api = new ApiClient(port);
        List<String> checked = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : mappings.getHandlerMethods().entrySet()) {
            Set<RequestMethod> methods = mapping.getKey().getMethodsCondition().getMethods();
            for (String pattern : mapping.getKey().getPatternValues()) {
                if (!pattern.equals("/v1") && !pattern.startsWith("/v1/")) {
                    assertThat(pattern).as("a mapping outside /v1 is not guarded by the token filter")
                            .isIn(OPEN_PATHS);
                    continue;
                }
                String path = pattern.replaceAll("\\{[^}]+}", "someone");
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    for (String token : new String[] {null, WRONG_TOKEN, ""}) {
                        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + path))
                                .method(method.name(), HttpRequest.BodyPublishers.noBody());
                        if (token != null) {
                            request.header("Authorization", "Bearer " + token);
                        }
                        HttpResponse<String> response = api.send(request.build());
                        assertThat(response.statusCode()).as("%s %s with token %s", method, pattern, token)
                                .isEqualTo(401);
                        assertThat(response.body()).contains("urn:dntme:problem:unauthorized");
                    }
                    checked.add(method + " " + pattern);
                }
            }
        }
        System.out.println("v1 endpoints refusing anonymous calls: " + checked);
        assertThat(checked).as("the /v1 surface (uploads, images, originals, settings, users, admin)")
                .contains("POST /v1/images", "GET /v1/images/{id}", "DELETE /v1/images/{id}")
                .hasSizeGreaterThanOrEqualTo(8);
    }
}
