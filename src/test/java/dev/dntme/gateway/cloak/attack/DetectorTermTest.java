package dev.dntme.gateway.cloak.attack;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.TransferSettings;
import dev.dntme.gateway.cloak.CloakSettings;
import dev.dntme.gateway.cloak.SharedModels;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.face.FaceDetector;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DetectorTermTest {

    private static final FaceDetector detector = SharedModels.detector();
    private static final NDManager manager = SharedModels.detectorManager();

    @Test
    void isOffByDefaultAndKeepsTheEngineVersionUnchanged() {
        TransferSettings t = CloakProperties.defaults().transfer();
        assertThat(t.detectorWeight()).isZero();
        assertThat(t).isEqualTo(TransferSettings.defaults());
        assertThat(CloakSettings.of("transfer.detector-weight", "0.5").transfer()).isNotEqualTo(TransferSettings.defaults());
    }

    /** The shortcut (clean input + resized region change) must be the input the detector would build itself. */
    @Test
    void theDetectorInputOfAPerturbedRegionIsTheInputOfThePerturbedPhoto() {
        BufferedImage image = TestPhotos.read("people/obama/obama-2.jpg");
        Rectangle region = new Rectangle(180, 250, 301, 377);
        Random random = new Random(3);
        float[] delta = new float[3 * region.height * region.width];
        BufferedImage perturbed = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        perturbed.getGraphics().drawImage(image, 0, 0, null);
        for (int y = 0; y < region.height; y++) {
            for (int x = 0; x < region.width; x++) {
                int p = image.getRGB(region.x + x, region.y + y);
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    int v = (p >> (16 - 8 * c)) & 0xFF;
                    int moved = Math.max(0, Math.min(255, v + random.nextInt(13) - 6));
                    delta[(c * region.height + y) * region.width + x] = moved - v;
                    rgb |= moved << (16 - 8 * c);
                }
                perturbed.setRGB(region.x + x, region.y + y, rgb);
            }
        }
        DetectorTerm term = new DetectorTerm(detector);
        DetectorTerm.Photo photo = term.prepare(image, List.of(region), List.of(region));
        try (NDManager m = manager.newSubManager()) {
            NDArray d = m.create(delta, new Shape(3, region.height, region.width));
            float[] got = term.input(photo, new NDArray[] {d}, m).toFloatArray();
            float[] expected = FaceDetector.input(perturbed);
            double worst = 0;
            for (int i = 0; i < got.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - expected[i]));
            }
            assertThat(worst).isLessThan(1e-4);
        }
    }

    /** A face's detection score is positive loss; signed steps on its region alone bring the loss down. */
    @Test
    void signedGradientStepsOnTheFaceRegionLowerTheFaceScores() {
        BufferedImage image = TestPhotos.read("people/kit_harington/kit_harington-2.jpg");
        FaceDetector.Detection face = detector.detect(image).get(0);
        Rectangle region = face.box().getBounds().intersection(new Rectangle(0, 0, image.getWidth(), image.getHeight()));
        DetectorTerm term = new DetectorTerm(detector);
        DetectorTerm.Photo photo = term.prepare(image, List.of(region), List.of(face.box()));
        float[] delta = new float[3 * region.height * region.width];
        double first = Double.NaN;
        double last = Double.NaN;
        boolean gradMode = JniUtils.isGradMode();
        try {
            JniUtils.setGradMode(true);
            for (int step = 0; step < 4; step++) {
                try (NDManager m = manager.newSubManager()) {
                    NDArray d = m.create(delta, new Shape(3, region.height, region.width));
                    d.setRequiresGradient(true);
                    NDArray loss = term.loss(photo, new NDArray[] {d}, m);
                    last = loss.getFloat();
                    if (step == 0) {
                        first = last;
                    }
                    JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(loss.getShape()), false, false);
                    float[] g = d.getGradient().toFloatArray();
                    for (int i = 0; i < delta.length; i++) {
                        delta[i] = Math.max(-6, Math.min(6, delta[i] - 2f * Math.signum(g[i])));
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        assertThat(first).isGreaterThan(0);
        assertThat(last).isLessThan(0.8 * first);
    }
}
