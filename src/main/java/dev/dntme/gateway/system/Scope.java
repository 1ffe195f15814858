package dev.dntme.gateway.system;

import java.util.Locale;

/**
 * What a token may do. {@code upload} is what a platform's upload path needs (send photos, read their
 * JSON); {@code internal} adds originals, user settings, erasure and admin operations.
 */
enum Scope {
    UPLOAD, INTERNAL;

    boolean covers(Scope required) {
        return this == INTERNAL || required == UPLOAD;
    }

    static Scope parse(String value) {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
    }

    /**
     * The scope a call needs: POST /v1/images and GET /v1/images/{id} are upload calls; everything
     * else under /v1 (originals, deletion, settings, users, admin) is internal.
     */
    static Scope requiredFor(String method, String path) {
        if ("POST".equals(method) && path.equals("/v1/images")) {
            return UPLOAD;
        }
        if ("GET".equals(method) && path.matches("/v1/images/[^/]+")) {
            return UPLOAD;
        }
        return INTERNAL;
    }
}
