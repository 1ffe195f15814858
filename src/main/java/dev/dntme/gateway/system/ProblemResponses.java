package dev.dntme.gateway.system;

import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The problem+json side of the contract, built from {@link Problem} alone, so a new or renamed type, or
 * one that starts carrying Retry-After, changes the contract without anyone editing it.
 */
final class ProblemResponses {

    static final String PROBLEM_SCHEMA = "Problem";

    private ProblemResponses() {
    }

    /** One response per status, in status order, naming exactly the types it can carry. */
    static void add(ApiResponses responses, Set<Problem> problems) {
        Map<Integer, List<Problem>> byStatus = problems.stream().collect(Collectors.groupingBy(
                p -> p.status().value(), TreeMap::new, Collectors.toList()));
        byStatus.forEach((status, ofStatus) -> {
            ApiResponse response = new ApiResponse()
                    .description(ofStatus.stream().map(p -> "`" + p.slug() + "`: " + p.title())
                            .collect(Collectors.joining("; ")))
                    .content(new Content().addMediaType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                            new MediaType().schema(problemOf(ofStatus))));
            if (ofStatus.stream().anyMatch(p -> p.retryAfterSeconds().isPresent())) {
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

    /** RFC 9457 problem details with the {@code type} restricted to this API's values. */
    @SuppressWarnings("rawtypes")
    static Schema<?> problemSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", ProblemResponses.<String>typed("string").format("uri")
                ._enum(Arrays.stream(Problem.values()).map(p -> p.type().toString()).toList())
                .description("Stable error type: " + Arrays.stream(Problem.values())
                        .map(p -> "`" + p.type() + "` (" + p.status().value() + ") " + p.title())
                        .collect(Collectors.joining("; "))));
        properties.put("title", typed("string").description("Short summary of the type"));
        properties.put("status", typed("integer").format("int32").description("The HTTP status"));
        properties.put("detail", typed("string").description("What happened in this case"));
        properties.put("instance", typed("string").format("uri"));
        Schema<?> schema = typed("object").description("RFC 9457 problem details (application/problem+json)")
                .required(List.of("type", "title", "status"));
        schema.setProperties(properties);
        return schema;
    }

    /** The Problem schema with {@code type} narrowed to the given values. */
    private static Schema<?> problemOf(List<Problem> problems) {
        Schema<String> type = ProblemResponses.<String>typed("string")
                ._enum(problems.stream().map(p -> p.type().toString()).toList());
        return new Schema<>().allOf(List.of(
                new Schema<>().$ref("#/components/schemas/" + PROBLEM_SCHEMA),
                typed("object").addProperty("type", type)));
    }

    private static Header header(String description, String type) {
        return new Header().description(description).schema(typed(type));
    }

    /** A schema of one JSON type, written as OpenAPI 3.1 wants it ({@code types}) and as 3.0 did ({@code type}). */
    private static <T> Schema<T> typed(String type) {
        Schema<T> schema = new Schema<>();
        schema.type(type);
        schema.types(new LinkedHashSet<>(List.of(type)));
        return schema;
    }
}
