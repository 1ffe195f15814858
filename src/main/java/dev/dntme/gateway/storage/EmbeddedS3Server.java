package dev.dntme.gateway.storage;

import dev.dntme.gateway.system.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 server (S3Proxy, filesystem store under the data directory) for the embedded defaults and
 * the tests. Bound to 127.0.0.1 only.
 */
final class EmbeddedS3Server implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedS3Server.class);

    private final S3Proxy proxy;
    private final URI endpoint;

    private EmbeddedS3Server(S3Proxy proxy, URI endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    static EmbeddedS3Server start(StorageProperties properties, DataDirectory dataDirectory) {
        Path base = dataDirectory.resolve("s3");
        try {
            Files.createDirectories(base);
            int port = properties.embeddedPort() > 0 ? properties.embeddedPort() : freePort();
            Properties storeProperties = new Properties();
            storeProperties.setProperty("jclouds.filesystem.basedir", base.toString());
            BlobStore store = BlobStores.create("filesystem", storeProperties);
            URI endpoint = URI.create("http://127.0.0.1:" + port);
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(store)
                    .endpoint(endpoint)
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, properties.accessKey(), properties.secretKey())
                    .ignoreUnknownHeaders(true)
                    .build();
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("embedded S3 server did not start: " + proxy.getState());
                }
                Thread.sleep(20);
            }
            log.info("embedded S3 server (S3Proxy) on {} storing under {}", endpoint, base);
            return new EmbeddedS3Server(proxy, endpoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded S3 server", e);
        }
    }

    URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
