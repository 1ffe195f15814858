package dev.dntme.gateway.cloak.recognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
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
                try (Recognizer r = Recognizers.load(name, manager, "models/face-api", 0.6)) {
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
}
