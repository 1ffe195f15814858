package dev.dntme.gateway.upload.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A real webhook receiver on 127.0.0.1 (the JDK's HTTP server): it records every request and answers as the test
 * tells it to. Public for the tests in package upload.
 */
public final class WebhookReceiver implements AutoCloseable {

    public record Received(String path, String id, String timestamp, String signature, String contentType, String body) {
    }

    /** What to do with one request: return the status to answer (the handler may also sleep first). */
    @FunctionalInterface
    public interface Answer {
        int answer(Received request) throws Exception;
    }

    private final HttpServer server;
    public final List<Received> requests = new CopyOnWriteArrayList<>();
    private final AtomicReference<Answer> answer = new AtomicReference<>(r -> 204);

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "webhook-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var h = exchange.getRequestHeaders();
            Received r = new Received(exchange.getRequestURI().getPath(), h.getFirst("Webhook-Id"),
                    h.getFirst("Webhook-Timestamp"), h.getFirst("Webhook-Signature"), h.getFirst("Content-Type"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(r);
            int status;
            try {
                status = answer.get().answer(r);
            } catch (InterruptedException e) {
                return; // the server is stopping
            } catch (Exception e) {
                status = 500;
            }
            if (status / 100 == 3) {
                exchange.getResponseHeaders().add("Location", url("/elsewhere"));
            }
            exchange.sendResponseHeaders(status, -1);
        }
    }

    public void answer(Answer a) {
        answer.set(a);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public long countFor(String deliveryId) {
        return requests.stream().filter(r -> deliveryId.equals(r.id())).count();
    }

    /** What a receiver does (docs/api.md): recompute the HMAC and compare in constant time. */
    public static boolean verifies(Received r, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "v1=" + HexFormat.of().formatHex(
                mac.doFinal((r.id() + "." + r.timestamp() + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
        return r.signature() != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                r.signature().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
