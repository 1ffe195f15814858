package dev.dntme.gateway.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.UrlConnectionRecorder;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI contract the running service serves is the one checked in as docs/openapi.yaml, and it
 * names every endpoint, header, status and problem type of the API.
 *
 * <p>After a deliberate API change, regenerate the file from the running service:
 * {@code mvn -B -o -q test -Dtest=OpenApiContractTest -Ddntme.openapi.write=true}, then review the diff.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiContractTest {

    static final Path CHECKED_IN = Path.of("docs/openapi.yaml");
    static final String WRITE_PROPERTY = "dntme.openapi.write";
    private static final List<URI> CONNECTIONS = Collections.synchronizedList(new ArrayList<>());
    private static final ProxySelector PREVIOUS = ProxySelector.getDefault();

    static {
        // Every URL connection the application opens (its S3 client included) while it serves the contract.
        UrlConnectionRecorder.install(CONNECTIONS);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
    }

    @AfterAll
    static void restoreProxySelector() {
        ProxySelector.setDefault(PREVIOUS);
    }

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void the_served_contract_is_the_checked_in_file() throws Exception {
        HttpResponse<String> served = get("/v3/api-docs.yaml", "*/*");
        assertThat(served.statusCode()).as("served without a token").isEqualTo(200);
        if (Boolean.getBoolean(WRITE_PROPERTY)) {
            Files.writeString(CHECKED_IN, served.body(), StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(CHECKED_IN, StandardCharsets.UTF_8))
                .as("docs/openapi.yaml differs from the contract the service serves. After a deliberate API change, "
                        + "regenerate it: mvn -B -o -q test -Dtest=OpenApiContractTest -D" + WRITE_PROPERTY + "=true")
                .isEqualTo(served.body());
    }

    @Test
    void the_contract_is_openapi_3_1_with_every_endpoint_of_the_api() throws Exception {
        JsonNode doc = contract();
        assertThat(doc.path("openapi").asString()).startsWith("3.1.");

        Set<String> handled = new TreeSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().stream()
                .filter(p -> p.startsWith("/v1/")).forEach(pattern -> info.getMethodsCondition().getMethods()
                        .forEach(m -> handled.add(m.name() + " " + pattern))));
        Set<String> documented = new TreeSet<>();
        doc.path("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(op -> documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey())));

        assertThat(handled).isNotEmpty();
        assertThat(documented).isEqualTo(handled);
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op ->
                assertThat(op.getValue().path("security").toString()).as(op.getKey() + " " + path.getKey())
                        .contains(OpenApiConfig.BEARER)));
    }

    @Test
    void the_upload_names_its_headers_statuses_and_the_receipt_schema() throws Exception {
        JsonNode doc = contract();
        JsonNode upload = doc.path("paths").path("/v1/images").path("post");

        List<String> headers = new ArrayList<>();
        upload.path("parameters").forEach(p -> {
            if ("header".equals(p.path("in").asString())) {
                headers.add(p.path("name").asString());
            }
        });
        assertThat(headers).contains("DNT-ME", "Idempotency-Key");
        JsonNode form = upload.path("requestBody").path("content").path("multipart/form-data").path("schema");
        assertThat(form.path("properties").properties().stream().map(e -> e.getKey()).toList())
                .containsExactlyInAnyOrder("file", "userId", "dntMe", "strength");
        assertThat(form.path("required").toString()).contains("file", "userId");
        assertThat(upload.path("responses").properties().stream().map(e -> e.getKey()).toList())
                .contains("201", "400", "401", "409", "413", "415", "422", "429", "500", "503");
        assertThat(upload.path("responses").path("201").path("headers").has("Idempotent-Replayed")).isTrue();

        JsonNode schemas = doc.path("components").path("schemas");
        assertThat(schemas.path("ImageView").path("properties").path("receipt").toString()).contains("ProtectionReceipt");
        assertThat(schemas.path("ProtectionReceipt").path("properties").properties().stream().map(e -> e.getKey()).toList())
                .contains("modelVersion", "strength", "faces");
        assertThat(schemas.path("Face").path("properties").properties().stream().map(e -> e.getKey()).toList())
                .contains("x", "y", "width", "height", "embeddingDistance", "ssim");
    }

    @Test
    void every_problem_type_is_in_the_contract_with_its_status() throws Exception {
        JsonNode doc = contract();
        List<String> types = new ArrayList<>();
        doc.path("components").path("schemas").path(ProblemResponses.PROBLEM_SCHEMA).path("properties").path("type")
                .path("enum").forEach(t -> types.add(t.asString()));
        assertThat(types).containsExactlyInAnyOrder(
                java.util.Arrays.stream(Problem.values()).map(p -> p.type().toString()).toArray(String[]::new));

        // Each operation's error responses carry only types of that status, and every type is answered somewhere.
        Set<String> answered = new TreeSet<>();
        OpenApiConfig.ROUTING_PROBLEMS.forEach(p -> answered.add(p.type().toString()));
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op ->
                op.getValue().path("responses").properties().forEach(response -> {
                    JsonNode problem = response.getValue().path("content").path("application/problem+json");
                    if (!problem.isMissingNode()) {
                        problem.path("schema").path("allOf").get(1).path("properties").path("type").path("enum")
                                .forEach(t -> {
                                    answered.add(t.asString());
                                    assertThat(statusOf(t.asString())).as(t.asString())
                                            .isEqualTo(Integer.parseInt(response.getKey()));
                                });
                    }
                })));
        assertThat(answered).containsExactlyInAnyOrderElementsOf(types);
    }

    /**
     * The scope the contract documents is the one ApiTokenFilter enforces: an upload-scoped token is refused
     * (403) exactly by the operations documented as internal. Path variables get a value no resource has, so
     * an allowed call ends in a 4xx of its own and changes nothing.
     */
    @Test
    void every_operation_documents_the_scope_the_token_filter_enforces() throws Exception {
        JsonNode doc = contract();
        List<String> checked = new ArrayList<>();
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            String method = op.getKey().toUpperCase(Locale.ROOT);
            String concrete = path.getKey().replaceAll("\\{[^/]+}", "no-such-thing");
            String documented = op.getValue().path("x-dntme-scope").asString();
            assertThat(documented).as(method + " " + path.getKey()).isIn("upload", "internal");
            assertThat(Scope.requiredFor(method, concrete).name().toLowerCase(Locale.ROOT))
                    .as(method + " " + concrete).isEqualTo(documented);
            int status = send(method, concrete, dev.dntme.gateway.support.ApiClient.UPLOAD_TOKEN).statusCode();
            assertThat(status == 403).as("%s %s with an upload token answered %d; documented scope %s",
                    method, concrete, status, documented).isEqualTo(documented.equals("internal"));
            checked.add(method + " " + concrete);
        }));
        assertThat(checked).isNotEmpty();
    }

    @Test
    void the_contract_needs_no_token_but_the_api_still_does_and_answers_only_json() throws Exception {
        assertThat(get("/v3/api-docs", "application/json").headers().firstValue("Content-Type").orElseThrow())
                .startsWith("application/json");
        assertThat(get("/v1/images/nope", "application/json").statusCode()).isEqualTo(401);
        // springdoc brings a YAML data format; the API must not start answering in it.
        HttpResponse<String> yaml = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/users/alice/settings"))
                .header("Authorization", "Bearer " + dev.dntme.gateway.support.ApiClient.TOKEN)
                .header("Accept", "application/yaml").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(yaml.statusCode()).isEqualTo(406);
        assertThat(yaml.body()).contains(Problem.NOT_ACCEPTABLE.type().toString());
    }

    @Test
    void serving_the_contract_opens_no_outbound_connection() throws Exception {
        contract();
        get("/v3/api-docs.yaml", "*/*");
        for (URI uri : List.copyOf(CONNECTIONS)) {
            assertThat(InetAddress.getByName(uri.getHost()).isLoopbackAddress()).as("connection to %s", uri).isTrue();
        }
    }

    private static int statusOf(String type) {
        return java.util.Arrays.stream(Problem.values()).filter(p -> p.type().toString().equals(type))
                .findFirst().orElseThrow().status().value();
    }

    private JsonNode contract() throws Exception {
        HttpResponse<String> response = get("/v3/api-docs", "application/json");
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body());
    }

    private HttpResponse<String> send(String method, String path, String token) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
