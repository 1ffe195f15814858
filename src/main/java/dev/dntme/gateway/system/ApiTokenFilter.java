package dev.dntme.gateway.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** Every /v1 call needs {@code Authorization: Bearer <token>}; everything else (health, public docs) does not. */
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
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && tokens.accepts(header.substring(BEARER.length()).strip())) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(Problem.UNAUTHORIZED.status().value());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"dntme\"");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("{\"type\":\"" + Problem.UNAUTHORIZED.type() + "\",\"title\":\""
                + Problem.UNAUTHORIZED.title() + "\",\"status\":401,\"detail\":\"Send Authorization: Bearer <token>\"}");
    }
}
