package dev.dntme.gateway.storage;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * S3 settings ({@code DNTME_S3_*}). With no endpoint, an S3Proxy server is started in-process on
 * 127.0.0.1 over the data directory and these credentials are its own.
 *
 * @param endpoint      S3 endpoint, e.g. {@code https://s3.eu-west-1.amazonaws.com} or a MinIO URL;
 *                      empty = embedded S3Proxy
 * @param publicBaseUrl how the public bucket is reached by readers (the CDN); empty = the S3 endpoint
 *                      path-style URL of the public bucket
 * @param publicRead    {@code object-acl}: objects are written with the {@code public-read} canned ACL
 *                      (S3Proxy, S3 buckets with ACLs enabled); {@code bucket-policy}: the bucket is
 *                      made readable by its policy outside this service (MinIO, S3 with ACLs disabled)
 * @param embeddedPort  port of the embedded S3 server on 127.0.0.1; fixed by default so public URLs stay
 *                      valid across restarts, 0 = any free port (tests)
 */
@Validated
@ConfigurationProperties(prefix = "dntme.s3")
public record StorageProperties(
        URI endpoint,
        @DefaultValue("us-east-1") @NotBlank String region,
        @DefaultValue("dntme") @NotBlank String accessKey,
        @DefaultValue("dntme-local-secret") @NotBlank String secretKey,
        @DefaultValue("dntme-private") @Pattern(regexp = "[a-z0-9][a-z0-9.-]{2,62}") String privateBucket,
        @DefaultValue("dntme-public") @Pattern(regexp = "[a-z0-9][a-z0-9.-]{2,62}") String publicBucket,
        String publicBaseUrl,
        @DefaultValue("object-acl") @Pattern(regexp = "object-acl|bucket-policy") String publicRead,
        @DefaultValue("9100") int embeddedPort) {

    public StorageProperties {
        if (privateBucket != null && privateBucket.equals(publicBucket)) {
            throw new IllegalArgumentException("dntme.s3: the private and public buckets must differ");
        }
    }

    boolean embedded() {
        return endpoint == null || endpoint.toString().isBlank();
    }
}
