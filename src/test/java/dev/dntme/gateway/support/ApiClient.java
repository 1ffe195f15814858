package dev.dntme.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Talks to the running service over real HTTP, as a platform backend would. */
public final class ApiClient {

    /** Scope internal: everything. */
    public static final String TOKEN = "test-token-0123456789abcdef";
    /** Scope upload: send photos and read their JSON, nothing else. */
    public static final String UPLOAD_TOKEN = "upload-only-token-0123456789";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    public ApiClient(int port) {
        this("http://127.0.0.1:" + port, TOKEN);
    }

    private ApiClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The same client presenting another token. */
    public ApiClient withToken(String otherToken) {
        return new ApiClient(base, otherToken);
    }

    public Upload upload(byte[] file) {
        return new Upload(file);
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    /** An upload's answer must be 202; then {@link #awaitJobEnd(String, Duration)} on the image it names. */
    public String awaitJobEnd(HttpResponse<String> accepted, Duration timeout) {
        if (accepted.statusCode() != 202) {
            throw new AssertionError("expected 202 Accepted, got " + accepted.statusCode() + ": " + accepted.body());
        }
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\":\"([^\"]+)\"").matcher(accepted.body());
        if (!id.find()) {
            throw new AssertionError("no image id in " + accepted.body());
        }
        return awaitJobEnd(id.group(1), timeout);
    }

    /**
     * Polls an accepted image (202, state processing) until its job has ended, as a platform that does not take the
     * webhook would; the image JSON of its last read. Fails after {@code timeout}.
     */
    public String awaitJobEnd(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String body = get("/v1/images/" + id).body();
            if (!body.contains("\"state\":\"processing\"")) {
                return body;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("image " + id + " still processing after " + timeout + ": " + body);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public HttpResponse<byte[]> getBytes(String path) {
        return sendBytes(request(path).GET().build());
    }

    public HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build());
    }

    public HttpResponse<String> putJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** Anonymous GET of any URL, as a browser or scraper would fetch a public URL. */
    public HttpResponse<byte[]> anonymousGet(String url) {
        return sendBytes(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<byte[]> sendBytes(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token);
    }

    public String base() {
        return base;
    }

    /** A multipart upload under construction. */
    public final class Upload {
        private final byte[] file;
        private final Map<String, String> fields = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String filename = "photo.jpg";
        private String partType = "image/jpeg";
        private boolean includeFile = true;

        private Upload(byte[] file) {
            this.file = file;
        }

        public Upload user(String userId) {
            return field("userId", userId);
        }

        public Upload field(String name, String value) {
            fields.put(name, value);
            return this;
        }

        public Upload header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Upload idempotencyKey(String key) {
            return header("Idempotency-Key", key);
        }

        public Upload partType(String contentType) {
            this.partType = contentType;
            return this;
        }

        public Upload withoutFile() {
            this.includeFile = false;
            return this;
        }

        public HttpResponse<String> send() {
            String boundary = "----dntme" + UUID.randomUUID();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            fields.forEach((name, value) -> body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                    + name + "\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8)));
            if (includeFile) {
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + filename + "\"\r\nContent-Type: " + partType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                body.writeBytes(file);
                body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            HttpRequest.Builder request = request("/v1/images")
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
            headers.forEach(request::header);
            return ApiClient.this.send(request.build());
        }
    }
}
