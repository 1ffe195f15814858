package dev.dntme.gateway.system;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The OpenAPI 3.1 contract served at {@code /v3/api-docs} and {@code /v3/api-docs.yaml} (no token
 * needed: it describes the API, it exposes no data) and checked in as docs/openapi.yaml.
 *
 * <p>springdoc derives paths, parameters, bodies and schemas from the controllers and their annotations
 * ({@code @Schema}, {@code @Parameter}, {@code @ApiResponse}); this class adds what it cannot see: the
 * bearer token and the scope each call needs (from {@link Scope#requiredFor}, what {@link ApiTokenFilter}
 * enforces) and the problem+json errors each operation can answer (its {@link Problems}). An operation
 * without {@code @Problems} stops the contract from being served, so a new endpoint cannot go out undocumented.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    static final String BEARER = "bearerToken";

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

    /** The handler mapping is asked for only when the contract is served: a context without MVC has none. */
    @Bean
    OpenApiCustomizer dntmeContract(
            @Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> mappings) {
        return openApi -> {
            openApi.getComponents().addSchemas(ProblemResponses.PROBLEM_SCHEMA, ProblemResponses.problemSchema());
            Map<String, HandlerMethod> handlers = handlers(mappings.getObject());
            List<String> undocumented = new ArrayList<>();
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                String key = method.name() + " " + path;
                HandlerMethod handler = handlers.get(key);
                Problems problems = handler == null ? null : handler.getMethodAnnotation(Problems.class);
                if (problems == null) {
                    undocumented.add(key);
                    return;
                }
                document(Scope.requiredFor(method.name(), path), path, operation, problems.value());
            }));
            if (!undocumented.isEmpty()) {
                throw new IllegalStateException("Operations without @Problems: " + undocumented);
            }
        };
    }

    /** "METHOD pattern" of every handler, the way springdoc names its operations. */
    private static Map<String, HandlerMethod> handlers(RequestMappingHandlerMapping mappings) {
        Map<String, HandlerMethod> handlers = new HashMap<>();
        mappings.getHandlerMethods().forEach((info, handler) -> info.getPatternValues().forEach(pattern ->
                info.getMethodsCondition().getMethods().forEach(m -> handlers.put(m.name() + " " + pattern, handler))));
        return handlers;
    }

    /** The scope goes in as Scope.requiredFor answers for the path template: its {id} stands for any id. */
    private static void document(Scope scope, String path, Operation operation, Problem[] own) {
        operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
        operation.setTags(List.of(path.split("/")[2]));
        operation.addExtension("x-dntme-scope", scope.name().toLowerCase());
        formFields(operation);
        EnumSet<Problem> problems = EnumSet.of(Problem.UNAUTHORIZED, Problem.INTERNAL, Problem.STORAGE_UNAVAILABLE);
        problems.addAll(Arrays.asList(own));
        if (scope == Scope.INTERNAL) {
            problems.add(Problem.FORBIDDEN);
        }
        ProblemResponses.add(operation.getResponses(), problems);
    }

    /**
     * A multipart body's @RequestParam fields: springdoc sees them as query parameters (@RequestParam reads
     * both), but clients send them as parts, so they move into the body with their description and required.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void formFields(Operation operation) {
        MediaType form = operation.getRequestBody() == null ? null
                : operation.getRequestBody().getContent().get(org.springframework.http.MediaType.MULTIPART_FORM_DATA_VALUE);
        if (form == null || operation.getParameters() == null) {
            return;
        }
        Schema body = form.getSchema();
        List<Parameter> kept = new ArrayList<>();
        for (Parameter parameter : operation.getParameters()) {
            if (!"query".equals(parameter.getIn())) {
                kept.add(parameter);
                continue;
            }
            body.addProperty(parameter.getName(), parameter.getSchema().description(parameter.getDescription()));
            if (Boolean.TRUE.equals(parameter.getRequired())) {
                body.addRequiredItem(parameter.getName());
            }
        }
        operation.setParameters(kept);
    }
}
