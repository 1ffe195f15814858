package dev.dntme.gateway.cloak.recognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.recognition.RecognizerDescriptor.ColourOrder;
import dev.dntme.gateway.cloak.recognition.RecognizerDescriptor.Format;
import dev.dntme.gateway.cloak.recognition.RecognizerDescriptor.Input;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The registry: a recogniser is its descriptor (and its files' provenance), and its files are the pinned bytes. */
class RecognizerRegistryTest {

    /** EdgeFace-XXS's committed file under another name, as someone adding a recogniser would write it. */
    private static final RecognizerDescriptor NEW_ONE = new RecognizerDescriptor("edgeface-xxs-copy", Format.ONNX,
            "models/surrogates/edgeface-xxs/edgeface_xxs_fp32.onnx",
            Map.of("edgeface_xxs_fp32.onnx", "1739beadbf6424208f368748b6056c31782a1d6971446f01c2f25afcda056b23"),
            Crop.ARCFACE_112,
            new Input(112, 112, ColourOrder.RGB, new float[] {127.5f, 127.5f, 127.5f}, new float[] {127.5f, 127.5f, 127.5f},
                    new double[][] {{38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366}, {41.5493, 92.3655},
                        {70.7299, 92.2041}}, null, 512),
            0.628, null);

    @Test
    void aNewRecogniserIsADescriptorAlone() {
        Recognizers registry = Recognizers.builtIn().with(NEW_ONE);
        assertThat(registry.names()).endsWith("edgeface-xxs-copy");
        try (FaceLocator locator = new FaceLocator(); NDManager manager = NDManager.newBaseManager();
                Recognizer added = registry.load("edgeface-xxs-copy", manager);
                Recognizer builtIn = registry.load("edgeface-xxs", manager)) {
            float[][] chips = {chip(locator, "obama/obama-1.jpg"), chip(locator, "obama/obama-2.jpg"),
                chip(locator, "biden/biden-1.jpg")};
            float[][] e = added.describe(chips);
            assertThat(added.name()).isEqualTo("edgeface-xxs-copy");
            assertThat(added.crop()).isEqualTo(Crop.ARCFACE_112);
            assertThat(added.distance(e[0], e[1])).isLessThan(added.threshold());
            assertThat(added.distance(e[0], e[2])).isGreaterThan(added.threshold());
            // the same bytes read the same way as the built-in: the descriptor is all there is to it
            assertThat(e).isDeepEqualTo(builtIn.describe(chips));
            assertThat(added.threshold()).isEqualTo(builtIn.threshold());
        }
    }

    @Test
    void aNameIsRegisteredOnce() {
        assertThatThrownBy(() -> Recognizers.builtIn().with(NEW_ONE.withName(Recognizers.DLIB)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dlib");
        assertThatThrownBy(() -> Recognizers.builtIn().descriptor("nobody"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("known");
    }

    @ParameterizedTest
    @ValueSource(strings = {Recognizers.DLIB, Recognizers.FACERES, Recognizers.MOBILEFACE, "edgeface-xs", "intel-reid-0095"})
    void everyFormatRefusesBytesOtherThanItsDescriptorPins(String name) {
        RecognizerDescriptor d = Recognizers.builtIn().descriptor(name);
        for (String file : d.sha256().keySet()) {
            Map<String, String> wrong = new HashMap<>(d.sha256());
            wrong.put(file, "00".repeat(32));
            try (NDManager manager = NDManager.newBaseManager()) {
                assertThatThrownBy(() -> Recognizers.load(d.withSha256(wrong), manager))
                        .as(name + " with a wrong SHA-256 for " + file).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("SHA-256 mismatch").hasMessageContaining(file)
                        .hasMessageContaining("refusing to load it");
            }
        }
    }

    @Test
    void aFileTheDescriptorDoesNotPinIsRefused() {
        RecognizerDescriptor faceres = Recognizers.builtIn().descriptor(Recognizers.FACERES);
        RecognizerDescriptor jsonOnly = faceres.withSha256(Map.of("faceres.json", faceres.sha256().get("faceres.json")));
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> Recognizers.load(jsonOnly, manager)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("faceres.bin has no pinned SHA-256");
        }
    }

    @Test
    void theBuiltInPinsAreTheProvenanceFilesSums() throws IOException {
        Map<String, String> sums = new HashMap<>();
        for (String folder : new String[] {"models/face-api", "models/human-models", "models/surrogates"}) {
            for (String line : Files.readAllLines(Path.of(folder, "SHA256SUMS"))) {
                String[] f = line.trim().split("\\s+");
                sums.put(f[1].substring(f[1].lastIndexOf('/') + 1), f[0]);
            }
        }
        for (String name : Recognizers.builtIn().names()) {
            Recognizers.builtIn().descriptor(name).sha256().forEach((file, sha) ->
                    assertThat(sha).as(name + " " + file).isEqualTo(sums.get(file)));
        }
    }

    @Test
    void theWideSetIsTheRegistryAndConfigurationChecksNamesAgainstIt() {
        assertThat(CloakProperties.WIDE_SET).containsExactly("dlib", "faceres", "mobileface", "edgeface-xs", "edgeface-xxs",
                "mobilefacenet-y1", "intel-reid-0095");
        assertThat(CloakProperties.defaults().recognizerRegistry().names()).containsExactlyElementsOf(CloakProperties.WIDE_SET);
        assertThat(CloakProperties.defaults().recognizerRegistry().descriptor(Recognizers.DLIB).threshold()).isEqualTo(0.6);
    }

    private static float[] chip(FaceLocator locator, String photo) {
        BufferedImage image = TestPhotos.read("people/" + photo);
        return FaceAligner.extractChip(image, Crop.ARCFACE_112.chipToImage(locator.locate(image).get(0).landmarks()));
    }
}
