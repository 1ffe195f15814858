package dev.dntme.gateway.storage;

import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The two buckets: private originals (never anonymously readable) and public copies (what the CDN
 * serves). Storage failures surface as {@link Problem#STORAGE_UNAVAILABLE} so that callers roll back
 * and clients retry.
 */
public class ObjectStore {

    private static final Logger log = LoggerFactory.getLogger(ObjectStore.class);

    private final S3Client s3;
    private final StorageProperties properties;
    private final String publicBaseUrl;

    ObjectStore(S3Client s3, StorageProperties properties, String publicBaseUrl) {
        this.s3 = s3;
        this.properties = properties;
        this.publicBaseUrl = publicBaseUrl;
        createBuckets();
    }

    public void putOriginal(String key, byte[] bytes, String contentType) {
        put(properties.privateBucket(), key, bytes, contentType, null);
    }

    public Optional<byte[]> getOriginal(String key) {
        return get(properties.privateBucket(), key);
    }

    public void deleteOriginal(String key) {
        delete(properties.privateBucket(), key);
    }

    public void putPublic(String key, byte[] bytes, String contentType) {
        ObjectCannedACL acl = "object-acl".equals(properties.publicRead()) ? ObjectCannedACL.PUBLIC_READ : null;
        put(properties.publicBucket(), key, bytes, contentType, acl);
    }

    public Optional<byte[]> getPublic(String key) {
        return get(properties.publicBucket(), key);
    }

    public void deletePublic(String key) {
        delete(properties.publicBucket(), key);
    }

    public String publicUrl(String key) {
        return publicBaseUrl + "/" + key;
    }

    /** Reachability for readiness: a cheap HEAD on both buckets. */
    public boolean reachable() {
        try {
            s3.headBucket(b -> b.bucket(properties.privateBucket()));
            s3.headBucket(b -> b.bucket(properties.publicBucket()));
            return true;
        } catch (SdkException e) {
            return false;
        }
    }

    private Optional<byte[]> get(String bucket, String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    private void put(String bucket, String key, byte[] bytes, String contentType, ObjectCannedACL acl) {
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType)
                .cacheControl(bucket.equals(properties.publicBucket()) ? "public, max-age=300" : "private, no-store");
        if (acl != null) {
            request.acl(acl);
        }
        try {
            s3.putObject(request.build(), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    private void delete(String bucket, String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            // already gone: deletion is idempotent
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    private void createBuckets() {
        for (String bucket : new String[] {properties.privateBucket(), properties.publicBucket()}) {
            try {
                s3.headBucket(b -> b.bucket(bucket));
            } catch (S3Exception missing) {
                try {
                    s3.createBucket(b -> b.bucket(bucket));
                    log.info("created bucket {}", bucket);
                } catch (BucketAlreadyOwnedByYouException raced) {
                    // another replica created it first
                }
            } catch (SdkException e) {
                // Storage down at start-up is not fatal: readiness reports it and uploads get 503.
                log.warn("bucket {} could not be checked at start-up: {}", bucket, e.getMessage());
            }
        }
    }

    private static ApiException unavailable(SdkException e) {
        log.warn("storage call failed: {}", e.getMessage());
        return new ApiException(Problem.STORAGE_UNAVAILABLE, Problem.STORAGE_UNAVAILABLE.title(), e);
    }

    @EventListener(ApplicationReadyEvent.class)
    void logReady() {
        log.info("public copies are served from {}", publicBaseUrl);
    }
}
