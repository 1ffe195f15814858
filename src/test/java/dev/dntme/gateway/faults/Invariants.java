package dev.dntme.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.cloak.Scraper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What must hold after any fault, checked in the buckets and the catalog themselves (not through the
 * API): no object without its catalog row (no orphan original, no orphan public copy), and no flagged
 * photo whose public object a scraper links to its clean original.
 */
final class Invariants {

    private Invariants() {
    }

    static void assertHold(S3Client s3, JdbcClient jdbc, Scraper scraper) {
        List<Row> rows = jdbc.sql("select id, original_key, public_key, dnt_me from images")
                .query((rs, n) -> new Row(rs.getString("id"), rs.getString("original_key"), rs.getString("public_key"),
                        rs.getBoolean("dnt_me"))).list();
        Set<String> originalKeys = rows.stream().map(Row::originalKey).collect(Collectors.toSet());
        Set<String> publicKeys = rows.stream().map(Row::publicKey).collect(Collectors.toSet());

        List<String> privateObjects = keys(s3, "dntme-private");
        List<String> publicObjects = keys(s3, "dntme-public");
        assertThat(privateObjects).as("originals without a catalog row").allMatch(originalKeys::contains);
        assertThat(publicObjects).as("public copies without a catalog row").allMatch(publicKeys::contains);

        List<String> linkable = new ArrayList<>();
        for (Row row : rows) {
            if (!row.dntMe() || !publicObjects.contains(row.publicKey())) {
                continue;
            }
            assertThat(privateObjects).as("a flagged public copy keeps its original").contains(row.originalKey());
            byte[] published = s3.getObjectAsBytes(b -> b.bucket("dntme-public").key(row.publicKey())).asByteArray();
            byte[] original = s3.getObjectAsBytes(b -> b.bucket("dntme-private").key(row.originalKey())).asByteArray();
            if (scraper.linkable(published, original)) {
                linkable.add(row.id());
            }
        }
        assertThat(linkable).as("flagged images whose public object a scraper links to the clean original").isEmpty();
    }

    private record Row(String id, String originalKey, String publicKey, boolean dntMe) {}

    static List<String> keys(S3Client s3, String bucket) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
    }
}
