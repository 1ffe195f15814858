package dev.dntme.gateway.support;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Looks straight into the buckets and the catalog, behind the API's back, to prove what is (not) stored. */
public final class StorageInspector {

    private final S3Client s3;
    private final JdbcClient jdbc;
    private final String privateBucket;
    private final String publicBucket;

    public StorageInspector(S3Client s3, JdbcClient jdbc, String privateBucket, String publicBucket) {
        this.s3 = s3;
        this.jdbc = jdbc;
        this.privateBucket = privateBucket;
        this.publicBucket = publicBucket;
    }

    public List<String> publicKeys() {
        return keys(publicBucket);
    }

    public List<String> privateKeys() {
        return keys(privateBucket);
    }

    public int imageRows() {
        return jdbc.sql("select count(*) from images").query(Integer.class).single();
    }

    public String privateBucket() {
        return privateBucket;
    }

    private List<String> keys(String bucket) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
    }
}
