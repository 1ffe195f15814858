package dev.dntme.gateway.cloak.recognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.CloakSettings;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LocatedFace;
import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ONNX recognisers as the cloak reads them: their window in the shared ArcFace chip, and identity on real faces. */
class OnnxRecognizerTest {

    @Test
    void reidsStretchedCropIsAWindowOfTheArcFaceCropAndTheArcFaceModelsReadItWhole() {
        double[] x = OnnxRecognizer.axisFit(SurrogateModel.INTEL_REID_0095.template(), 0);
        double[] y = OnnxRecognizer.axisFit(SurrogateModel.INTEL_REID_0095.template(), 1);
        assertThat(x[0]).isCloseTo(96.0 / 128, within(1e-9)); // 128 model pixels span 96 ArcFace pixels
        assertThat(x[1]).isCloseTo(8.0, within(1e-9));
        assertThat(y[0]).isCloseTo(112.0 / 128, within(1e-9));
        assertThat(y[1]).isCloseTo(0.0, within(1e-9));
        double[] e = OnnxRecognizer.axisFit(SurrogateModel.EDGEFACE_XS.template(), 0);
        assertThat(e[0]).isCloseTo(1.0, within(1e-9));
        assertThat(e[1]).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void aTemplateThatIsNotArcFacesUpToScaleIsRefused() {
        double[][] rotated = {{51.7, 38.3}, {51.5, 73.5}, {71.7, 56.0}, {92.4, 41.5}, {92.2, 70.7}};
        assertThatThrownBy(() -> OnnxRecognizer.axisFit(rotated, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyOnnxRecogniserReadingTheSharedChipTellsThePeopleApart() {
        List<float[]> chips = new ArrayList<>();
        List<String> who = new ArrayList<>();
        try (FaceLocator locator = new FaceLocator(); NDManager manager = NDManager.newBaseManager()) {
            for (String photo : List.of("obama/obama-1.jpg", "obama/obama-2.jpg", "biden/biden-1.jpg", "biden/biden-2.jpg",
                    "kit_harington/kit_harington-1.jpg", "kit_harington/kit_harington-2.jpg")) {
                BufferedImage image = TestPhotos.read("people/" + photo);
                LocatedFace face = locator.locate(image).get(0);
                chips.add(FaceAligner.extractChip(image, Crop.ARCFACE_112.chipToImage(face.landmarks())));
                who.add(photo.substring(0, photo.indexOf('/')));
            }
            for (String name : SurrogateModel.builtIn().keySet()) {
                try (Recognizer r = Recognizers.builtIn().load(name, manager)) {
                    float[][] e = r.describe(chips.toArray(new float[0][]));
                    for (int i = 0; i < e.length; i++) {
                        for (int j = i + 1; j < e.length; j++) {
                            double d = r.distance(e[i], e[j]);
                            if (who.get(i).equals(who.get(j))) {
                                assertThat(d).as("%s: %s vs %s", name, i, j).isLessThan(r.threshold());
                            } else {
                                assertThat(d).as("%s: %s vs %s", name, i, j).isGreaterThan(r.threshold());
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aPlatformsOwnOnnxRecogniserComesFromConfigurationAlone() {
        // EdgeFace-XXS's file under another name, described only by settings, as a platform would bring its own
        CloakProperties p = CloakSettings.of("recognizers", "dlib,platform-face",
                "onnx-recognizers.platform-face.file", SurrogateModel.EDGEFACE_XXS.file(),
                "onnx-recognizers.platform-face.sha256", SurrogateModel.EDGEFACE_XXS.sha256(),
                "onnx-recognizers.platform-face.width", "112",
                "onnx-recognizers.platform-face.mean", "127.5,127.5,127.5",
                "onnx-recognizers.platform-face.std", "127.5,127.5,127.5",
                "onnx-recognizers.platform-face.template", "38.2946,51.6963,73.5318,51.5014,56.0252,71.7366,41.5493,92.3655,70.7299,92.2041",
                "onnx-recognizers.platform-face.embedding-size", "512",
                "onnx-recognizers.platform-face.threshold", "0.63");
        try (FaceLocator locator = new FaceLocator(); NDManager manager = NDManager.newBaseManager();
                Recognizer r = p.recognizerRegistry().load("platform-face", manager)) {
            float[][] e = r.describe(chip(locator, "obama/obama-1.jpg"), chip(locator, "obama/obama-2.jpg"), chip(locator, "biden/biden-1.jpg"));
            assertThat(r.distance(e[0], e[1])).isLessThan(r.threshold());
            assertThat(r.distance(e[0], e[2])).isGreaterThan(r.threshold());
        }
        assertThatThrownBy(() -> CloakSettings.of("onnx-recognizers.dlib.file", "x.onnx", "onnx-recognizers.dlib.sha256", "00",
                "onnx-recognizers.dlib.width", "112", "onnx-recognizers.dlib.template", "1,2,3,4,5,6,7,8,9,10",
                "onnx-recognizers.dlib.embedding-size", "128", "onnx-recognizers.dlib.threshold", "0.5"))
                .as("an own model may not hide a built-in name").isInstanceOf(RuntimeException.class);
    }

    private static float[] chip(FaceLocator locator, String photo) {
        BufferedImage image = TestPhotos.read("people/" + photo);
        return FaceAligner.extractChip(image, Crop.ARCFACE_112.chipToImage(locator.locate(image).get(0).landmarks()));
    }
}
