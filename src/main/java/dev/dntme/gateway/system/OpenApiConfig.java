package dev.dntme.gateway.system;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3.1 contract served at {@code /v3/api-docs} and {@code /v3/api-docs.yaml} (no token
 * needed: it describes the API, it exposes no data) and checked in as docs/openapi.yaml.
 *
 * <p>springdoc derives paths, parameters, bodies and JSON schemas from the controllers; this class adds
 * what it cannot see: the bearer token and its scopes, the problem+json errors each operation can answer
 * with (by {@link Problem} type, so a new or renamed type changes the contract), and the response
 * headers set by hand. An operation springdoc finds that is missing from {@link #OPERATIONS} stops the
 * contract from being served, so a new endpoint cannot go out undocumented.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    static final String PROBLEM_SCHEMA = "Problem";
    static final String BEARER = "bearerToken";

    /** What each operation of the API may answer beyond its success response, and the scope it needs. */
    record Spec(int success, Scope scope, Set<Problem> problems) {
        static Spec of(Scope scope, Problem... problems) {
            return of(200, scope, problems);
        }

        static Spec of(int success, Scope scope, Problem... problems) {
            EnumSet<Problem> all = EnumSet.of(Problem.UNAUTHORIZED, Problem.INTERNAL, Problem.STORAGE_UNAVAILABLE);
            all.addAll(Arrays.asList(problems));
            if (scope == Scope.INTERNAL) {
                all.add(Problem.FORBIDDEN);
            }
            return new Spec(success, scope, all);
        }
    }

    /** "METHOD path" → the operation's scope and problem types. */
    static final Map<String, Spec> OPERATIONS = Map.of(
            "POST /v1/images", Spec.of(201, Scope.UPLOAD, Problem.INVALID_REQUEST, Problem.MISSING_FILE,
                    Problem.INVALID_USER_ID, Problem.INVALID_FLAG, Problem.INVALID_IDEMPOTENCY_KEY,
                    Problem.CORRUPT_IMAGE, Problem.NOT_ACCEPTABLE, Problem.UPLOAD_IN_PROGRESS,
                    Problem.PAYLOAD_TOO_LARGE, Problem.IMAGE_TOO_LARGE, Problem.UNSUPPORTED_MEDIA_TYPE,
                    Problem.UNSUPPORTED_REQUEST_TYPE, Problem.IMAGE_DIMENSIONS, Problem.MEDIA_LIMITS,
                    Problem.IDEMPOTENCY_KEY_REUSED,
                    Problem.CLOAK_BUSY, Problem.CLOAK_UNAVAILABLE, Problem.CLOAK_FAILED),
            "GET /v1/images/{id}", Spec.of(Scope.UPLOAD, Problem.NOT_FOUND, Problem.NOT_ACCEPTABLE),
            "GET /v1/images/{id}/original", Spec.of(Scope.INTERNAL, Problem.NOT_FOUND),
            "DELETE /v1/images/{id}", Spec.of(204, Scope.INTERNAL),
            "GET /v1/users/{userId}/settings", Spec.of(Scope.INTERNAL, Problem.INVALID_USER_ID, Problem.NOT_ACCEPTABLE),
            "PUT /v1/users/{userId}/settings", Spec.of(Scope.INTERNAL, Problem.INVALID_REQUEST,
                    Problem.INVALID_USER_ID, Problem.NOT_ACCEPTABLE, Problem.UNSUPPORTED_REQUEST_TYPE),
            "DELETE /v1/users/{userId}", Spec.of(204, Scope.INTERNAL, Problem.INVALID_USER_ID),
            "POST /v1/admin/recloak", Spec.of(202, Scope.INTERNAL, Problem.NOT_ACCEPTABLE),
            "GET /v1/admin/recloak", Spec.of(Scope.INTERNAL, Problem.NOT_FOUND, Problem.NOT_ACCEPTABLE));

    /** The upload's form fields (springdoc sees them as query parameters: @RequestParam reads both). */
    static final Map<String, String> UPLOAD_FIELDS = Map.of(
            "userId", "The platform's user id, 1-128 of `A-Z a-z 0-9 . _ @ : + -` (required)",
            "dntMe", "`true` / `false` (or `1` / `0`): the explicit flag for this upload (overrides everything else)",
            "strength", "`low`, `medium` or `high` (case-insensitive): the protection level of a flagged upload; a still"
                    + " without it takes the user's level, else the service default (`high`, cloaked in the background:"
                    + " 202), an animation or video `medium`");

    static final Map<String, String> UPLOAD_HEADERS = Map.of(
            "DNT-ME", "`1` flags the upload; `0` means no opinion (it cannot switch off a user's setting); "
                    + "`true` / `false` are read the same way",
            "Idempotency-Key", "1-200 printable ASCII characters; the same key, user and bytes return the same image "
                    + "and publish nothing twice (a key reused for other bytes: 422 `idempotency-key-reused`)");

    /** Answered for a route or method the API does not have, so they belong to no operation. */
    static final Set<Problem> ROUTING_PROBLEMS = EnumSet.of(Problem.NOT_FOUND, Problem.METHOD_NOT_ALLOWED);

    private static final String DESCRIPTION = """
            Upload path of an image-hosting platform that honours a Do Not Track Me (DNT-ME) flag: the clean
            original goes to a private bucket, and the public bucket gets a copy whose faces carry an
            adversarial cloak (flagged photos) or a metadata-free copy (unflagged photos). Fails closed: a
            flagged photo whose cloak cannot be made is never published.

            Every call under /v1 needs `Authorization: Bearer <token>`. A token's scope is `upload` (only
            `POST /v1/images` and `GET /v1/images/{id}`) or `internal` (everything). Requests and responses
            are JSON; every error is RFC 9457 `application/problem+json` whose `type` is one of the
            `urn:dntme:problem:*` values of the `Problem` schema (branch on it, not on the text). A route
            the API does not have answers `urn:dntme:problem:not-found` (404), a method it does not allow
            `urn:dntme:problem:method-not-allowed` (405). More in docs/api.md.""";

    @Bean
    OpenAPI dntmeOpenApi() {
        return new OpenAPI()
                .info(new Info().title("dntme-gateway API").version("v1").description(DESCRIPTION)
                        .license(new License().name("see the repository")))
                // Relative: the contract does not depend on the host or port it was fetched from.
                .servers(List.of(new Server().url("/").description("this service")))
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("A token from DNTME_API_TOKENS (or the generated <data dir>/api-token); "
                                + "scope `upload` or `internal`")));
    }

    @Bean
    OpenApiCustomizer dntmeContract() {
        return openApi -> {
            openApi.getComponents().addSchemas(PROBLEM_SCHEMA, problemSchema());
            List<String> undocumented = new ArrayList<>();
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                String key = method.name() + " " + path;
                Spec spec = OPERATIONS.get(key);
                if (spec == null) {
                    undocumented.add(key);
                    return;
                }
                document(path, method, operation, spec);
            }));
            if (!undocumented.isEmpty()) {
                throw new IllegalStateException("Operations missing from OpenApiConfig.OPERATIONS: " + undocumented);
            }
        };
    }

    private static void document(String path, PathItem.HttpMethod method, Operation operation, Spec spec) {
        operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
        operation.setTags(List.of(path.split("/")[2]));
        if (path.equals("/v1/images") && method == PathItem.HttpMethod.POST) {
            uploadFields(operation);
        }
        operation.addExtension("x-dntme-scope", spec.scope().name().toLowerCase());
        ApiResponses responses = operation.getResponses();
        // springdoc cannot see the status a ResponseEntity is built with: it documents 200.
        if (spec.success() != 200) {
            ApiResponse ok = responses.remove("200");
            ok.description(switch (spec.success()) {
                case 201 -> "Created";
                case 202 -> "Accepted";
                case 204 -> "No Content";
                default -> ok.getDescription();
            });
            if (spec.success() == 204) {
                ok.content(null);
            }
            responses.addApiResponse(Integer.toString(spec.success()), ok);
        }
        if (path.equals("/v1/images") && method == PathItem.HttpMethod.POST) {
            ApiResponse created = responses.get("201");
            created.addHeaderObject("Location", header("/v1/images/{id} of the image", "string"));
            created.addHeaderObject("Idempotent-Replayed", header(
                    "`true` when this answers a retry with an Idempotency-Key already used (nothing was published again)",
                    "boolean"));
            // Animations and videos: the same body and headers, the public copy made by a background job.
            ApiResponse accepted = new ApiResponse().description("Accepted: an animation or video whose public copy a "
                    + "background job makes (state `processing`); poll Location until `published` or `rejected`")
                    .content(created.getContent()).headers(new LinkedHashMap<>(created.getHeaders()));
            responses.addApiResponse("202", accepted);
        }
        if (path.endsWith("/original")) {
            responses.get("200").content(imageContent())
                    .addHeaderObject("Cache-Control", header("`no-store, private`: never cached by intermediaries", "string"));
        }
        // Problems grouped by status, in status order; each status names exactly the types it can carry.
        Map<Integer, List<Problem>> byStatus = spec.problems().stream().collect(Collectors.groupingBy(
                p -> p.status().value(), TreeMap::new, Collectors.toList()));
        byStatus.forEach((status, problems) -> {
            ApiResponse response = new ApiResponse()
                    .description(problems.stream().map(p -> "`" + p.slug() + "`: " + p.title())
                            .collect(Collectors.joining("; ")))
                    .content(new Content().addMediaType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                            new MediaType().schema(problemOf(problems))));
            if (problems.stream().anyMatch(p -> p.retryAfterSeconds().isPresent())) {
                response.addHeaderObject("Retry-After", header("seconds to wait before retrying ("
                        + Arrays.stream(Problem.values()).filter(p -> p.retryAfterSeconds().isPresent())
                                .map(Problem::slug).collect(Collectors.joining(", ")) + ")", "integer"));
            }
            if (status == 401) {
                response.addHeaderObject("WWW-Authenticate", header("`Bearer realm=\"dntme\"`", "string"));
            }
            responses.addApiResponse(status.toString(), response);
        });
    }

    /** The upload's fields go into its multipart body; its headers get their meaning. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void uploadFields(Operation operation) {
        Schema body = operation.getRequestBody().getContent().get("multipart/form-data").getSchema();
        body.getProperties().put("file", ((Schema) body.getProperties().get("file")).description(
                "The photo: JPEG, PNG, WebP or GIF (recognised by its bytes, not by the part's Content-Type); "
                        + "an animation (GIF, WebP, APNG) or a video (MP4, WebM, MOV) is answered 202"));
        List<Parameter> kept = new ArrayList<>();
        for (Parameter parameter : operation.getParameters()) {
            if ("query".equals(parameter.getIn()) && UPLOAD_FIELDS.containsKey(parameter.getName())) {
                Schema field = OpenApiConfig.<String>typed("string").description(UPLOAD_FIELDS.get(parameter.getName()));
                if (parameter.getName().equals("strength")) {
                    field._enum(List.of("low", "medium", "high"));
                } else if (parameter.getName().equals("dntMe")) {
                    field._enum(List.of("true", "false", "1", "0"));
                }
                body.addProperty(parameter.getName(), field);
            } else {
                if ("header".equals(parameter.getIn())) {
                    parameter.description(require(UPLOAD_HEADERS.get(parameter.getName()), "header " + parameter.getName()));
                }
                kept.add(parameter);
            }
        }
        body.addRequiredItem("userId");
        operation.setParameters(kept);
    }

    private static <T> T require(T value, String what) {
        if (value == null) {
            throw new IllegalStateException("OpenApiConfig describes " + what + ", which the API no longer has");
        }
        return value;
    }

    /** RFC 9457 problem details with the {@code type} restricted to this API's values. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static Schema<?> problemSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", OpenApiConfig.<String>typed("string").format("uri")
                ._enum(Arrays.stream(Problem.values()).map(p -> p.type().toString()).toList())
                .description("Stable error type: " + Arrays.stream(Problem.values())
                        .map(p -> "`" + p.type() + "` (" + p.status().value() + ") " + p.title())
                        .collect(Collectors.joining("; "))));
        properties.put("title", typed("string").description("Short summary of the type"));
        properties.put("status", typed("integer").format("int32").description("The HTTP status"));
        properties.put("detail", typed("string").description("What happened in this case"));
        properties.put("instance", typed("string").format("uri"));
        Schema schema = typed("object").description("RFC 9457 problem details (application/problem+json)")
                .required(List.of("type", "title", "status"));
        schema.setProperties(properties);
        return schema;
    }

    /** The Problem schema with {@code type} narrowed to the given values. */
    private static Schema<?> problemOf(List<Problem> problems) {
        Schema<String> type = OpenApiConfig.<String>typed("string")
                ._enum(problems.stream().map(p -> p.type().toString()).toList());
        return new Schema<>().allOf(List.of(
                new Schema<>().$ref("#/components/schemas/" + PROBLEM_SCHEMA),
                typed("object").addProperty("type", type)));
    }

    private static Content imageContent() {
        Content content = new Content();
        for (String type : List.of("image/jpeg", "image/png", "image/webp", "image/gif")) {
            content.addMediaType(type, new MediaType().schema(typed("string").format("binary")));
        }
        return content;
    }

    /** A schema of one JSON type, written as OpenAPI 3.1 wants it ({@code types}) and as 3.0 did ({@code type}). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static <T> Schema<T> typed(String type) {
        Schema schema = new Schema<T>();
        schema.type(type);
        schema.types(new java.util.LinkedHashSet<>(List.of(type)));
        return schema;
    }

    private static Header header(String description, String type) {
        return new Header().description(description).schema(typed(type));
    }

    /** For tests: every problem type the contract names somewhere. */
    static Set<Problem> documentedProblems() {
        EnumSet<Problem> all = EnumSet.copyOf(ROUTING_PROBLEMS);
        OPERATIONS.values().forEach(spec -> all.addAll(spec.problems()));
        return all;
    }
}
