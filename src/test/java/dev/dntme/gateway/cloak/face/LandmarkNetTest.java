package dev.dntme.gateway.cloak.face;

import static dev.dntme.gateway.cloak.face.FaceDetectorTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dntme.gateway.cloak.SharedModels;
import java.awt.Graphics2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LandmarkNetTest {

    private static final FaceLocator locator = SharedModels.locator();

    static Stream<String> photosWithWholeFaces() {
        return Stream.concat(FaceDetectorTest.portraits(), Stream.of(
                "groups/two_people.jpg", "groups/kit_with_rose.jpg", "groups/obama_and_biden.jpg",
                "groups/party-1.jpg", "groups/party-2.jpg", "groups/party-3.jpg", "groups/party-4.jpg",
                "groups/party-5.jpg", "groups/party-6.jpg", "edge/small-face.jpg", "edge/obama-1080p.jpg"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("photosWithWholeFaces")
    void everyLandmarkLiesInsideTheFaceBoxEnlargedByAFifth(String path) {
        List<LocatedFace> faces = locator.locate(read(path));
        assertThat(faces).isNotEmpty();
        for (LocatedFace face : faces) {
            Rectangle2D box = face.box();
            Rectangle2D enlarged = new Rectangle2D.Double(box.getX() - 0.2 * box.getWidth(), box.getY() - 0.2 * box.getHeight(),
                    1.4 * box.getWidth(), 1.4 * box.getHeight());
            for (int i = 0; i < LandmarkNet.POINTS; i++) {
                assertThat(enlarged.contains(face.landmark(i))).as("point %d of face at %s", i, box).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("photosWithWholeFaces")
    void theLeftEyeIsLeftOfTheRightEyeAndBothAreAboveTheMouth(String path) {
        for (LocatedFace face : locator.locate(read(path))) {
            Point2D leftEye = centre(face, 36, 42);
            Point2D rightEye = centre(face, 42, 48);
            Point2D mouth = centre(face, 48, 68);
            // In the face's own frame (it may be tilted): distance of the mouth from the eye line.
            double ex = rightEye.getX() - leftEye.getX(), ey = rightEye.getY() - leftEye.getY();
            assertThat(ex).as("eyes in image order").isPositive();
            double eyeDistance = Math.hypot(ex, ey);
            double down = ((mouth.getX() - leftEye.getX()) * -ey + (mouth.getY() - leftEye.getY()) * ex) / eyeDistance;
            assertThat(down).as("mouth below the eye line").isGreaterThan(0.5 * eyeDistance);
        }
    }

    @Test
    void landmarksFollowTheFaceWhenThePhotoIsPlacedElsewhere() {
        BufferedImage photo = read("people/kit_harington/kit_harington-1.jpg");
        LocatedFace alone = locator.locate(photo).get(0);
        int dx = 250, dy = 90;
        BufferedImage canvas = new BufferedImage(photo.getWidth() + 400, photo.getHeight() + 150, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.drawImage(photo, dx, dy, null);
        g.dispose();
        List<LocatedFace> moved = locator.locate(canvas);
        assertThat(moved).hasSize(1);

        // The detector sees another scale, so its box (and thus the crop) differ a little.
        double tolerance = 0.04 * alone.box().getWidth();
        float[] a = alone.landmarks();
        float[] b = moved.get(0).landmarks();
        for (int i = 0; i < LandmarkNet.POINTS; i++) {
            assertThat((double) b[2 * i] - dx).as("x of point %d", i).isCloseTo((double) a[2 * i], within(tolerance));
            assertThat((double) b[2 * i + 1] - dy).as("y of point %d", i).isCloseTo((double) a[2 * i + 1], within(tolerance));
        }
    }

    private static Point2D centre(LocatedFace face, int from, int to) {
        double x = 0, y = 0;
        for (int i = from; i < to; i++) {
            x += face.landmark(i).getX();
            y += face.landmark(i).getY();
        }
        return new Point2D.Double(x / (to - from), y / (to - from));
    }
}
