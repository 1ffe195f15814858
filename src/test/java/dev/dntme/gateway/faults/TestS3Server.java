package dev.dntme.gateway.faults;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * A real S3 server (S3Proxy over a folder, as the embedded default uses) that the test owns, so the
 * application can be pointed at it through a {@link FaultyProxy} while the test still reaches it
 * directly to look behind the application's back.
 */
final class TestS3Server implements AutoCloseable {

    static final String ACCESS_KEY = "faults-test";
    static final String SECRET_KEY = "faults-test-secret";

    private final S3Proxy proxy;
    private final int port;

    TestS3Server(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            port = probe.getLocalPort();
        }
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toString());
        proxy = S3Proxy.builder().blobStore(BlobStores.create("filesystem", props))
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true).build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(20);
        }
    }

    int port() {
        return port;
    }

    /** A client that talks to the server directly (not through any fault proxy). */
    S3Client directClient() {
        return client(URI.create("http://127.0.0.1:" + port));
    }

    static S3Client client(URI endpoint) {
        return client(endpoint, ACCESS_KEY, SECRET_KEY);
    }

    static S3Client client(URI endpoint, String accessKey, String secretKey) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
