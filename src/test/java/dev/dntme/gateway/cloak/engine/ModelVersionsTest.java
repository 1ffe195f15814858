package dev.dntme.gateway.cloak.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.CloakSettings;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import org.junit.jupiter.api.Test;

class ModelVersionsTest {

    private static final String TEMPLATE = "38.2946,51.6963,73.5318,51.5014,56.0252,71.7366,41.5493,92.3655,70.7299,92.2041";

    @Test
    void dlibAloneKeepsItsReadableVersionSoItsCopiesAreNotReCloakedForNothing() {
        CloakProperties defaults = CloakProperties.defaults();
        assertThat(ModelVersions.of(defaults, CloakStrength.LOW)).isEqualTo("faceapi-1.7.15+pgd-v2");
        assertThat(ModelVersions.of(defaults, CloakStrength.MEDIUM)).isEqualTo("faceapi-1.7.15+pgd-v2");
        assertThat(ModelVersions.of(CloakSettings.of("recognizers", "dlib", "redetect-on-publish", "false"), CloakStrength.HIGH))
                .isEqualTo("faceapi-1.7.15+pgd-v1");
    }

    @Test
    void allSevenRecognisersFitTheCatalogColumnWhichTheirReadableNameOverflowed() {
        CloakProperties seven = CloakSettings.of("recognizers", String.join(",", CloakProperties.WIDE_SET));
        String version = ModelVersions.of(seven, CloakStrength.HIGH);
        assertThat(ModelVersions.description(seven, CloakProperties.WIDE_SET)).hasSizeGreaterThan(100);
        assertThat(version).startsWith("set-").endsWith("+pgd-ens-v2").hasSizeLessThanOrEqualTo(40);
    }

    @Test
    void equalSettingsGiveEqualVersionsAndAnotherSetOrOrderAnother() {
        String strong = ModelVersions.of(CloakProperties.defaults(), CloakStrength.HIGH);
        assertThat(ModelVersions.of(CloakSettings.of("workers", "3"), CloakStrength.HIGH)).as("cost settings").isEqualTo(strong);
        assertThat(ModelVersions.of(CloakSettings.of("high.recognizers", "dlib,intel-reid-0095"), CloakStrength.HIGH))
                .isNotEqualTo(strong);
        assertThat(ModelVersions.of(CloakSettings.of("high.recognizers", "dlib,intel-reid-0095,mobilefacenet-y1"),
                CloakStrength.HIGH)).as("the leader and the turns follow the order").isNotEqualTo(strong);
        assertThat(ModelVersions.of(CloakSettings.of("recognizer-weights.intel-reid-0095", "2"), CloakStrength.HIGH))
                .isNotEqualTo(strong);
    }

    @Test
    void aPlatformsNewOnnxFileUnderTheSameNameChangesTheVersion() {
        String before = ModelVersions.of(platformFace(SurrogateModel.EDGEFACE_XXS.sha256()), CloakStrength.HIGH);
        String after = ModelVersions.of(platformFace("ab".repeat(32)), CloakStrength.HIGH);
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void oneNameForEveryLevelIsTheCommonVersionWhenTheyAgree() {
        CloakProperties dlibEverywhere = CloakSettings.of("recognizers", "dlib");
        assertThat(ModelVersions.ofAll(ModelVersions.of(dlibEverywhere))).isEqualTo("faceapi-1.7.15+pgd-v2");
        assertThat(ModelVersions.ofAll(ModelVersions.of(CloakProperties.defaults()))).startsWith("levels-")
                .hasSizeLessThanOrEqualTo(30);
    }

    private static CloakProperties platformFace(String sha256) {
        return CloakSettings.of("high.recognizers", "dlib,platform-face",
                "onnx-recognizers.platform-face.file", SurrogateModel.EDGEFACE_XXS.file(),
                "onnx-recognizers.platform-face.sha256", sha256,
                "onnx-recognizers.platform-face.width", "112",
                "onnx-recognizers.platform-face.template", TEMPLATE,
                "onnx-recognizers.platform-face.embedding-size", "512",
                "onnx-recognizers.platform-face.threshold", "0.63");
    }
}
