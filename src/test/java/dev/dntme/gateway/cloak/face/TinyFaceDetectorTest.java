package dev.dntme.gateway.cloak.face;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.SharedModels;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TinyFaceDetectorTest {

    private static NDManager manager;
    private static TinyFaceDetector tiny;

    @BeforeAll
    static void loadModel() {
        System.setProperty("ai.djl.offline", "true");
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        tiny = new TinyFaceDetector(manager);
    }

    @AfterAll
    static void closeModel() {
        tiny.close();
        manager.close();
    }

    /**
     * face-api trained the tiny detector to put boxes around the 68 landmarks (the SSD's boxes include the
     * forehead and are narrower), so the port is checked two ways on the portraits: its box encloses the
     * landmarks fitted in the SSD's box, and it overlaps the SSD's box. Two of the 15 may miss (one portrait
     * scores 0.48 in the tiny net, under the 0.5 threshold); the IoU bar of 0.5 holds on most, not all,
     * because the box shapes differ.
     */
    @Test
    void findsTheFaceOfNearlyEveryPortraitAroundItsLandmarks() {
        List<String> portraits = FaceDetectorTest.portraits().toList();
        FaceLocator locator = SharedModels.locator();
        int found = 0;
        int iouHalf = 0;
        StringBuilder misses = new StringBuilder();
        for (String path : portraits) {
            BufferedImage image = FaceDetectorTest.read(path);
            LocatedFace face = locator.locate(image).get(0);
            List<FaceDetector.Detection> detections = tiny.detect(image);
            FaceDetector.Detection best = detections.stream()
                    .max(Comparator.comparingDouble(d -> FaceDetectorTest.iou(d.box(), face.box()))).orElse(null);
            double iou = best == null ? 0 : FaceDetectorTest.iou(best.box(), face.box());
            if (best != null && iou >= 0.35 && enclosesLandmarks(best.box(), face)) {
                found++;
            } else {
                misses.append(path).append(" IoU ").append(String.format("%.2f", iou)).append("; ");
            }
            if (iou >= 0.5) {
                iouHalf++;
            }
            detections.forEach(d -> assertThat(d.score()).isGreaterThan(TinyFaceDetector.DEFAULT_MIN_CONFIDENCE));
        }
        assertThat(found).as("portraits where the tiny box holds the landmarks; misses: %s", misses)
                .isGreaterThanOrEqualTo(portraits.size() - 2);
        assertThat(iouHalf).as("portraits where the tiny box overlaps the SSD's at IoU >= 0.5").isGreaterThanOrEqualTo(10);
    }

    private static boolean enclosesLandmarks(Rectangle2D box, LocatedFace face) {
        double slack = 0.03 * box.getWidth();
        for (int i = 0; i < LandmarkNet.POINTS; i++) {
            java.awt.geom.Point2D p = face.landmark(i);
            if (p.getX() < box.getMinX() - slack || p.getX() > box.getMaxX() + slack
                    || p.getY() < box.getMinY() - slack || p.getY() > box.getMaxY() + slack) {
                return false;
            }
        }
        return true;
    }

    @Test
    void findsNoFaceInNoiseOrBlack() {
        assertThat(tiny.detect(FaceDetectorTest.gradientWithNoise(800, 600, 7))).isEmpty();
        assertThat(tiny.detect(new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB))).isEmpty();
    }

    @Test
    void findsBothFacesOfATwoPersonPhoto() {
        assertThat(tiny.detect(FaceDetectorTest.read("groups/two_people.jpg"))).hasSizeGreaterThanOrEqualTo(2);
    }
}
