package dev.dntme.gateway.cloak;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.engine.DjlCloakEngine;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LocatedFace;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.TestImages;
import dev.dntme.gateway.support.UrlConnectionRecorder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Flagged uploads through the real API with the real cloak engine, checked the way a scraper would
 * check them: detect, align and embed the *published bytes* with the recognition net and compare with
 * the person's clean photos. Also proves the process phones nobody: DJL's offline switch is cleared
 * before the application starts, and every URL connection and socket is recorded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FlaggedUploadTest {

    private static final double MATCH = 0.6;
    private static final List<URI> CONNECTIONS = Collections.synchronizedList(new ArrayList<>());
    private static ProxySelector previous;

    static {
        // Before the application context exists: the application must switch DJL offline by itself.
        System.clearProperty(DjlOfflineMode.PROPERTY);
        previous = UrlConnectionRecorder.install(CONNECTIONS);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        registry.add("dntme.cloak.workers", () -> "2");
    }

    @LocalServerPort
    int port;

    @Autowired
    DjlCloakEngine engine;

    static NDManager manager;
    static FaceRecognitionNet net;
    static FaceLocator locator;
    ApiClient api;

    @BeforeAll
    static void loadIndependentRecognizer() {
        manager = NDManager.newBaseManager();
        net = FaceRecognitionNet.load(manager, "models/face-api");
        locator = new FaceLocator();
    }

    @AfterAll
    static void close() {
        locator.close();
        manager.close();
        ProxySelector.setDefault(previous);
    }

    private void ready() throws InterruptedException {
        api = new ApiClient(port);
        assertThat(engine.awaitReady(180_000)).as("cloak engine warm").isTrue();
    }

    private static BufferedImage decode(byte[] bytes) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }

    /** Embeddings of every face a scraper's pipeline finds in the image, at its own alignment. */
    private static List<float[]> embeddings(BufferedImage image) {
        List<float[]> out = new ArrayList<>();
        for (LocatedFace face : locator.locate(image)) {
            out.add(net.describe(FaceAligner.extractChip(image, face.chipToImage()))[0]);
        }
        return out;
    }

    private static float[] soleEmbedding(String photo) throws IOException {
        List<float[]> faces = embeddings(decode(TestImages.photo(photo)));
        assertThat(faces).as(photo).hasSize(1);
        return faces.get(0);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return json(response.body());
    }

    private static JsonNode json(String body) {
        return JsonMapper.builder().build().readTree(body);
    }

    @Test
    void aFlaggedPortraitGetsTheStrongLevelByDefaultInTheBackgroundAndNoLongerMatchesThePersonsOtherPhotos()
            throws Exception {
        ready();
        float[] otherClean = soleEmbedding("people/obama/obama-2.jpg");
        float[] sameClean = soleEmbedding("people/obama/obama-3.jpg");
        assertThat(FaceRecognitionNet.distance(otherClean, sameClean)).as("clean photos match").isLessThan(MATCH);

        HttpResponse<String> accepted = api.upload(TestImages.photo("people/obama/obama-3.jpg"))
                .user("flagged-user").header("DNT-ME", "1").send();

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode queued = json(accepted);
        assertThat(queued.get("state").asString()).isEqualTo("processing");
        assertThat(queued.has("publicUrl")).as("no public copy before it is cloaked").isFalse();
        JsonNode image = json(api.awaitJobEnd(queued.get("id").asString(), Duration.ofMinutes(3)));
        assertThat(image.get("state").asString()).as(image.toString()).isEqualTo("published");
        assertThat(image.get("dntMe").asBoolean()).isTrue();
        assertThat(image.get("faces").asInt()).isEqualTo(1);
        JsonNode receipt = image.get("receipt");
        assertThat(receipt.get("strength").asString()).isEqualTo("HIGH");
        assertThat(receipt.get("modelVersion").asString()).isEqualTo(engine.modelVersion(CloakStrength.HIGH))
                .hasSizeLessThanOrEqualTo(100);
        assertThat(receipt.get("models").valueStream().map(JsonNode::asString).toList())
                .containsExactlyElementsOf(CloakProperties.STRONG_SET);
        assertThat(receipt.get("faces").get(0).get("embeddingDistance").asDouble()).isGreaterThan(MATCH);
        // the strong level's larger budget: its face SSIM is lower than MEDIUM's, still far above the breakage floor
        assertThat(receipt.get("faces").get(0).get("ssim").asDouble()).isGreaterThanOrEqualTo(0.9);

        byte[] published = api.anonymousGet(image.get("publicUrl").asString()).body();
        List<float[]> scraped = embeddings(decode(published));
        for (float[] face : scraped) {
            assertThat(FaceRecognitionNet.distance(face, otherClean)).as("published vs another clean photo")
                    .isGreaterThan(MATCH);
        }
        assertThat(new String(published, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("DMI-PROHIBITED");
    }

    @Test
    void everyFaceOfAGroupPhotoIsCloaked() throws Exception {
        ready();
        byte[] group = TestImages.photo("groups/obama_and_biden.jpg");
        List<float[]> clean = embeddings(decode(group));

        HttpResponse<String> created = api.upload(group).user("group-user").field("dntMe", "true")
                .field("strength", "medium").send();

        assertThat(created.statusCode()).as("the synchronous level answers with the copy").isEqualTo(201);
        JsonNode image = json(created);
        assertThat(image.get("receipt").get("models").valueStream().map(JsonNode::asString).toList())
                .containsExactly("dlib");
        assertThat(image.get("faces").asInt()).isEqualTo(clean.size()).isGreaterThanOrEqualTo(2);
        for (JsonNode face : image.get("receipt").get("faces")) {
            assertThat(face.get("embeddingDistance").asDouble()).isGreaterThan(MATCH);
        }
        List<float[]> scraped = embeddings(decode(api.anonymousGet(image.get("publicUrl").asString()).body()));
        for (float[] published : scraped) {
            for (float[] original : clean) {
                assertThat(FaceRecognitionNet.distance(published, original)).isGreaterThan(MATCH);
            }
        }
    }

    @Test
    void aUsersChosenLevelDecidesTheirFlaggedUploadsAndAnUploadFieldOverridesIt() throws Exception {
        ready();
        assertThat(api.putJson("/v1/users/level-user/settings", "{\"dntMe\": true, \"level\": \"low\"}").statusCode())
                .isEqualTo(200);
        assertThat(json(api.get("/v1/users/level-user/settings")).get("level").asString()).isEqualTo("low");

        HttpResponse<String> byUserLevel = api.upload(TestImages.jpeg(160, 120)).user("level-user").send();
        assertThat(byUserLevel.statusCode()).as(byUserLevel.body()).isEqualTo(201);
        assertThat(json(byUserLevel).get("receipt").get("strength").asString()).isEqualTo("LOW");

        HttpResponse<String> overridden = api.upload(TestImages.jpeg(160, 120)).user("level-user")
                .field("strength", "high").send();
        assertThat(overridden.statusCode()).as(overridden.body()).isEqualTo(202);
        JsonNode done = json(api.awaitJobEnd(json(overridden).get("id").asString(), Duration.ofMinutes(2)));
        assertThat(done.get("receipt").get("strength").asString()).isEqualTo("HIGH");
    }

    @Test
    void aFlaggedPhotoWithoutAFaceIsPublishedWithZeroFacesAndTheMark() throws Exception {
        ready();
        JsonNode image = json(api.upload(TestImages.jpeg(320, 240)).user("landscape-user").field("dntMe", "true")
                .field("strength", "medium").send());

        assertThat(image.get("faces").asInt()).isZero();
        assertThat(image.get("receipt").get("faces").size()).isZero();
        byte[] published = api.anonymousGet(image.get("publicUrl").asString()).body();
        assertThat(new String(published, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("DMI-PROHIBITED");
    }

    @Test
    void afterRealUploadsTheScrapeEndpointShowsEveryMetricTheDashboardsUse() throws Exception {
        ready();
        api.upload(TestImages.photo("people/kit_harington/kit_harington-1.jpg")).user("metrics-user")
                .field("dntMe", "true").field("strength", "low").send();
        api.upload(TestImages.jpeg(64, 48)).user("metrics-user").field("dntMe", "false").send();

        String scrape = api.send(java.net.http.HttpRequest.newBuilder(URI.create(api.base() + "/actuator/prometheus"))
                .GET().build()).body();

        Set<String> series = new HashSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                series.add(line.split("[{ ]", 2)[0]);
            }
        }
        assertThat(series).containsAll(dev.dntme.gateway.support.MetricsContract.APP_METRICS);
        assertThat(scrape).contains("outcome=\"published-cloaked\"").contains("outcome=\"published-clean\"")
                .doesNotContain("metrics-user");
    }

    @Test
    void theProcessConnectsToNothingButItsOwnLoopbackServices() throws Exception {
        ready();
        api.upload(TestImages.photo("people/biden/biden-2.jpg")).user("quiet-user").header("DNT-ME", "1").send();

        assertThat(System.getProperty(DjlOfflineMode.PROPERTY)).isEqualTo("true");
        synchronized (CONNECTIONS) {
            assertThat(CONNECTIONS).isNotEmpty().allSatisfy(uri ->
                    assertThat(InetAddress.getByName(uri.getHost()).isLoopbackAddress()).as(uri.toString()).isTrue());
        }
        assertThat(remoteAddressesOfOwnSockets()).allSatisfy(address ->
                assertThat(address.isLoopbackAddress() || address.isAnyLocalAddress()).as(address.toString()).isTrue());
    }

    /** Remote ends of this JVM's TCP sockets, from /proc (Linux), matched by socket inode. */
    private static List<InetAddress> remoteAddressesOfOwnSockets() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException ignored) {
                    // fd closed meanwhile
                }
            });
        }
        List<InetAddress> remotes = new ArrayList<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path).subList(1, Files.readAllLines(path).size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && inodes.contains(f[9])) {
                    remotes.add(procAddress(f[2].split(":")[0]));
                }
            }
        }
        return remotes;
    }

    /** /proc/net/tcp prints addresses as hex in host (little-endian) order per 32-bit word. */
    private static InetAddress procAddress(String hex) throws IOException {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = (word * 4 + (3 - b)) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes);
    }
}
