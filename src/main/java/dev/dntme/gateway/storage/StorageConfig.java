package dev.dntme.gateway.storage;

import dev.dntme.gateway.system.DataDirectory;
import java.net.URI;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

@Configuration(proxyBeanMethods = false)
class StorageConfig {

    /** Only when no endpoint is configured: the embedded defaults need an S3 server of their own. */
    @Bean(destroyMethod = "close")
    EmbeddedS3Holder embeddedS3(StorageProperties properties, DataDirectory dataDirectory) {
        return new EmbeddedS3Holder(properties.embedded() ? EmbeddedS3Server.start(properties, dataDirectory) : null);
    }

    @Bean(destroyMethod = "close")
    S3Client s3Client(StorageProperties properties, EmbeddedS3Holder embedded) {
        URI endpoint = embedded.server() != null ? embedded.server().endpoint() : properties.endpoint();
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(properties.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(properties.accessKey(), properties.secretKey())))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                // S3-compatible servers (S3Proxy, MinIO) reject or ignore the SDK's default CRC checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(java.time.Duration.ofSeconds(5))
                        .socketTimeout(java.time.Duration.ofSeconds(30)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(java.time.Duration.ofSeconds(60)).build())
                .build();
    }

    @Bean
    ObjectStore objectStore(S3Client s3, StorageProperties properties, EmbeddedS3Holder embedded) {
        URI endpoint = embedded.server() != null ? embedded.server().endpoint() : properties.endpoint();
        String base = properties.publicBaseUrl() != null && !properties.publicBaseUrl().isBlank()
                ? stripTrailingSlash(properties.publicBaseUrl())
                : stripTrailingSlash(endpoint.toString()) + "/" + properties.publicBucket();
        return new ObjectStore(s3, properties, base);
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    record EmbeddedS3Holder(EmbeddedS3Server server) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (server != null) {
                server.close();
            }
        }
    }

}
