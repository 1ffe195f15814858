package dev.dntme.gateway.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every /v1 call needs {@code Authorization: Bearer <token>} with a scope that covers it (401 without a
 * valid token, 403 with one of too narrow a scope); everything else (health, metrics, console) does not.
 */
@Component
class ApiTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final ApiTokens tokens;

    ApiTokenFilter(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals("/v1") || path.startsWith("/v1/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        Optional<Scope> scope = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? tokens.scopeOf(header.substring(BEARER.length()).strip())
                : Optional.empty();
        if (scope.isEmpty()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"dntme\"");
            reject(response, Problem.UNAUTHORIZED, "Send Authorization: Bearer <token>");
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Scope required = Scope.requiredFor(request.getMethod(), path);
        if (!scope.get().covers(required)) {
            reject(response, Problem.FORBIDDEN, "This call needs a token with scope " + required.name().toLowerCase());
            return;
        }
        chain.doFilter(request, response);
    }

    private static void reject(HttpServletResponse response, Problem problem, String detail) throws IOException {
        response.setStatus(problem.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("{\"type\":\"" + problem.type() + "\",\"title\":\"" + problem.title()
                + "\",\"status\":" + problem.status().value() + ",\"detail\":\"" + detail + "\"}");
    }
}
