package dev.dntme.gateway.cloak.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.CloakSettings;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.CloakedImage;
import dev.dntme.gateway.cloak.TestPhotos;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With its randomness fixed, the cloak publishes exactly the bytes it published before a change that
 * should not alter behaviour (issue 12's reshaping of the cloak package). The digests were recorded on
 * the code before that change, one worker on one intra-op thread (PyTorch's CPU kernels are
 * deterministic there; more threads may reorder float sums). A digest that changes means the cloak's
 * output changed: bump {@code DjlCloakEngine.MODEL_VERSION}'s suffix and record the new digest on purpose.
 */
class PublishedBytesTest {

    static Stream<Arguments> cloaks() {
        CloakProperties d = CloakSettings.of(CloakSettings.dlibAlone());
        Map<String, String> faceRes = CloakSettings.dlibAlone();
        faceRes.putAll(Map.of("ensemble", "true", "ensemble-target-distance", "1.0", "ensemble-feature-weight", "1.0",
                "transfer.momentum", "0.9", "transfer.ti-sigma", "1.0", "transfer.cell", "2.0", "transfer.dlib-feature-weight", "1.0",
                "transfer.dlib-feature-stage", "conv64_3"));
        Map<String, String> mobileFace = CloakSettings.dlibAlone();
        mobileFace.putAll(Map.of("ensemble", "true", "ensemble-target-distance", "1.0", "transfer.ensemble-model", "mobileface",
                "transfer.extra-weight", "1.5", "transfer.adaptive-max-eps", "10", "transfer.adaptive-min-ssim", "0.95",
                "transfer.adaptive-outside-box", "true"));
        return Stream.of(
                Arguments.of("dlib alone (the default before issue 13), one face", d, CloakStrength.MEDIUM, "people/obama/obama-1.jpg",
                        "d50faf5806188006222f2acd3aa602124de7cb31da3a7cf2a543d3a462d90dde"),
                Arguments.of("dlib alone, two faces", d, CloakStrength.MEDIUM, "groups/obama_and_biden.jpg",
                        "5eb8a0e8e2f4fab2d9a829f025c58bb437eed78c892101ddd1dab4787994c058"),
                Arguments.of("low strength (fixed step counts)", d, CloakStrength.LOW, "people/alex_lacamoire/alex_lacamoire-1.jpg",
                        "bc776a9520aca04599d7d132817f1548ab33e5169554e42fc7dc9cdf4f6cb232"),
                Arguments.of("FaceRes ensemble, feature terms, momentum and smoothing",
                        CloakSettings.of(faceRes), CloakStrength.MEDIUM,
                        "people/kit_harington/kit_harington-1.jpg", "665ca47b80a93037db823cc72a620481cd2d42ee63896b1bbc1da4aa58696725"),
                Arguments.of("MobileFace ensemble on its own crop, adaptive budget",
                        CloakSettings.of(mobileFace),
                        // re-recorded with issue 12: the old optimiser refreshed the second crop's publish correction by
                        // upsampling the face's grid (190x175 cells here) as if it were that crop's own (176x162), a
                        // misread perturbation; every crop now reads the one grid the face has (was 4e6932e2...)
                        CloakStrength.MEDIUM, "people/rose_leslie/rose_leslie-1.jpg", "03de79ca5ca90d4acd5387637a6ac33fa33de1307650b309f7daa9e9c25cdaa9"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cloaks")
    void aSeededCloakPublishesTheSameBytesAsBefore(String name, CloakProperties properties, CloakStrength strength, String photo,
            String expectedSha256) throws Exception {
        DjlCloakEngine engine = new DjlCloakEngine(properties, DjlCloakEngine.ModelLoader.DEFAULT, new SimpleMeterRegistry(),
                o -> { }, () -> new Random(20261202L));
        try {
            assertTrue(engine.awaitReady(180_000), "engine did not become ready");
            BufferedImage original = TestPhotos.read(photo);
            CloakedImage cloaked = engine.cloak(original, strength, TestPhotos::jpeg90);
            String digest = sha256(cloaked.encoded());
            System.out.println("PUBLISHED-BYTES " + name + " " + digest + " " + cloaked.receipt());
            assertEquals(expectedSha256, digest, name + ": the published bytes changed");
        } finally {
            engine.destroy();
        }
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
