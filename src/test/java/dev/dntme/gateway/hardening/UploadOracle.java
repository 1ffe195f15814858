package dev.dntme.gateway.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.GpsDirectory;
import com.drew.metadata.iptc.IptcDirectory;
import com.drew.metadata.xmp.XmpDirectory;
import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.StorageInspector;
import dev.dntme.gateway.system.Problem;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one verdict on any upload, hostile or fuzzed: either a 4xx problem+json whose type docs/api.md
 * lists and that an upload can produce, with nothing stored; or a 201 whose public copy decodes to the
 * announced size, carries no EXIF/GPS/XMP/IPTC (nor a polyglot's payload), and whose original is kept
 * byte for byte. A flagged upload may also fail closed (503 cloak-unavailable: models are missing).
 * Never a 500, never longer than {@link #PER_CASE}.
 */
final class UploadOracle {

    static final Duration PER_CASE = Duration.ofSeconds(20);

    /** The problems an upload's file part can cause. */
    static final Set<Problem> UPLOAD_REJECTIONS = Set.of(Problem.CORRUPT_IMAGE, Problem.UNSUPPORTED_MEDIA_TYPE,
            Problem.PAYLOAD_TOO_LARGE, Problem.IMAGE_TOO_LARGE, Problem.IMAGE_DIMENSIONS, Problem.INVALID_REQUEST, Problem.MEDIA_LIMITS);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> DOCUMENTED = documentedTypes();

    private final ApiClient api;
    private final StorageInspector storage;

    /** How long a background job of one hostile medium may take (they are small, unflagged or failing closed fast). */
    private static final java.time.Duration JOB_TIMEOUT = java.time.Duration.ofSeconds(60);

    UploadOracle(ApiClient api, StorageInspector storage) {
        this.api = api;
        this.storage = storage;
    }

    /** The outcome: "201" or the problem slug. */
    String check(HostileCase c) {
        Counts before = counts();
        HttpResponse<String> response = assertTimeoutPreemptively(PER_CASE, () -> {
            ApiClient.Upload upload = api.upload(c.bytes()).user("hostile-" + UUID.randomUUID()).partType(c.partType());
            if (c.flagged()) {
                upload.header("DNT-ME", "1");
            }
            return upload.send();
        }, () -> "no answer within " + PER_CASE + " for " + c);
        String outcome;
        if (response.statusCode() == 202) {
            return checkJob(c, before, JSON.readTree(response.body()));
        }
        if (response.statusCode() == 201) {
            verifyPublished(c, JSON.readTree(response.body()));
            assertThat(counts()).as("a publish stores one original, one public copy and one row: " + c)
                    .isEqualTo(before.plusOne());
            outcome = HostileCase.PUBLISHED;
        } else {
            outcome = verifyRejected(c, response);
            assertThat(counts()).as("nothing stored on rejection: " + c).isEqualTo(before);
        }
        if (!c.expected().isEmpty()) {
            assertThat(outcome).as(c + " answered " + response.statusCode() + " " + response.body())
                    .isIn(c.expected());
        }
        return outcome;
    }

    /**
     * An animation or video accepted for its background job: followed until the job ends. Published counts as
     * {@link HostileCase#PUBLISHED} (the public copy is checked as a medium), a rejection as its failure's slug; the
     * image is then erased, so the next case starts from the same counts.
     */
    private String checkJob(HostileCase c, Counts before, JsonNode accepted) {
        assertThat(accepted.get("state").asString()).as(c.toString()).isEqualTo("processing");
        String id = accepted.get("id").asString();
        JsonNode image = accepted;
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (image.get("state").asString().equals("processing")) {
            assertThat(System.nanoTime()).as("the job of " + c + " ends within " + JOB_TIMEOUT).isLessThan(deadline);
            sleep();
            image = JSON.readTree(api.get("/v1/images/" + id).body());
        }
        String outcome;
        if (image.get("state").asString().equals("published")) {
            assertThat(image.get("dntMe").asBoolean()).as("a flagged medium is never published here: " + c).isFalse();
            HttpResponse<byte[]> published = api.anonymousGet(image.get("publicUrl").asString());
            assertThat(published.statusCode()).isEqualTo(200);
            String latin = new String(published.body(), StandardCharsets.ISO_8859_1);
            for (String payload : c.mustNotLeak()) {
                assertThat(latin).as("payload leaked into the public copy of " + c).doesNotContain(payload);
            }
            assertThat(counts()).as("a published job stores one original, one public copy and one row: " + c)
                    .isEqualTo(before.plusOne());
            outcome = HostileCase.PUBLISHED;
        } else {
            assertThat(image.get("state").asString()).as(c.toString()).isEqualTo("rejected");
            String type = image.get("failure").get("type").asString();
            assertThat(type).as("a type docs/api.md lists: " + c).isIn(DOCUMENTED);
            assertThat(storage.publicKeys().size()).as("nothing public after a rejected job: " + c)
                    .isEqualTo(before.publicKeys());
            outcome = type.substring("urn:dntme:problem:".length());
        }
        assertThat(api.delete("/v1/images/" + id).statusCode()).isEqualTo(204);
        assertThat(counts()).as("erased: " + c).isEqualTo(before);
        if (!c.expected().isEmpty()) {
            assertThat(outcome).as(c + " ended " + image).isIn(c.expected());
        }
        return outcome;
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String verifyRejected(HostileCase c, HttpResponse<String> response) {
        assertThat(response.statusCode()).as("never a 5xx other than failing closed: " + c + " -> " + response.body())
                .isNotEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type")).as(c.toString())
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        String type = problem.get("type").asString();
        assertThat(type).as("a type docs/api.md lists: " + c).isIn(DOCUMENTED);
        String slug = type.substring("urn:dntme:problem:".length());
        Problem known = Arrays.stream(Problem.values()).filter(p -> p.slug().equals(slug)).findFirst().orElseThrow();
        boolean failedClosed = c.flagged() || c.expected().contains("cloak-unavailable");
        assertThat(known).as(c + " -> " + response.body())
                .isIn(failedClosed ? union(UPLOAD_REJECTIONS, Problem.CLOAK_UNAVAILABLE) : UPLOAD_REJECTIONS);
        assertThat(response.statusCode()).as(c.toString()).isEqualTo(known.status().value());
        assertThat(problem.get("status").asInt()).isEqualTo(known.status().value());
        return slug;
    }

    private void verifyPublished(HostileCase c, JsonNode image) {
        assertThat(image.get("state").asString()).isEqualTo("published");
        assertThat(image.get("dntMe").asBoolean()).as("a flagged photo is never published here: " + c).isFalse();
        HttpResponse<byte[]> published = api.anonymousGet(image.get("publicUrl").asString());
        assertThat(published.statusCode()).isEqualTo(200);
        byte[] bytes = published.body();
        String contentType = image.get("contentType").asString();
        assertThat(contentType).isIn("image/jpeg", "image/png");
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            assertThat(reader.getFormatName().toLowerCase()).isIn("jpeg", "jpg", "png");
            reader.setInput(in);
            BufferedImage decoded = reader.read(0);
            assertThat(decoded.getWidth()).as(c.toString()).isEqualTo(image.get("width").asInt());
            assertThat(decoded.getHeight()).as(c.toString()).isEqualTo(image.get("height").asInt());
            assertThat(reader.getNumImages(true)).as("first frame only: " + c).isEqualTo(1);
            reader.dispose();
        } catch (IOException e) {
            throw new UncheckedIOException("public copy of " + c + " does not decode", e);
        }
        assertThat(metadataOf(bytes)).as("metadata in the public copy of " + c).doesNotContain(ExifIFD0Directory.class,
                ExifSubIFDDirectory.class, GpsDirectory.class, XmpDirectory.class, IptcDirectory.class);
        String latin = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String payload : c.mustNotLeak()) {
            assertThat(latin).as("payload leaked into the public copy of " + c).doesNotContain(payload);
        }
        HttpResponse<byte[]> original = api.getBytes("/v1/images/" + image.get("id").asString() + "/original");
        assertThat(original.statusCode()).isEqualTo(200);
        assertThat(original.body()).as("the original is kept byte for byte: " + c).isEqualTo(c.bytes());
    }

    static List<Class<? extends Directory>> metadataOf(byte[] image) {
        try {
            Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(image), image.length);
            return java.util.stream.StreamSupport.stream(metadata.getDirectories().spliterator(), false)
                    .<Class<? extends Directory>>map(Directory::getClass).toList();
        } catch (Exception e) {
            throw new AssertionError("published copy's metadata unreadable", e);
        }
    }

    Counts counts() {
        return new Counts(storage.publicKeys().size(), storage.privateKeys().size(), storage.imageRows());
    }

    record Counts(int publicKeys, int privateKeys, int rows) {
        Counts plusOne() {
            return new Counts(publicKeys + 1, privateKeys + 1, rows + 1);
        }
    }

    private static Set<Problem> union(Set<Problem> a, Problem b) {
        return java.util.stream.Stream.concat(a.stream(), java.util.stream.Stream.of(b)).collect(Collectors.toSet());
    }

    private static Set<String> documentedTypes() {
        try {
            Matcher m = Pattern.compile("urn:dntme:problem:[a-z-]+").matcher(Files.readString(Path.of("docs", "api.md")));
            return m.results().map(r -> r.group()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
