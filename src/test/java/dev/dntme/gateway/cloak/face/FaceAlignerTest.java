package dev.dntme.gateway.cloak.face;

import static dev.dntme.gateway.cloak.face.FaceDetectorTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dntme.gateway.cloak.SharedModels;
import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FaceAlignerTest {

    /** Few chip pixels: the net's eye points and dlib's mean eye corners are not the same definition. */
    private static final double EYE_TOLERANCE_PX = 4;
    /**
     * The 5-point least-squares fit trades the eye corners against the nose, so a face turned a
     * little keeps a small tilt (dlib's chips do the same); 7 degrees is ~6 px over the eye distance.
     */
    private static final double MAX_EYE_TILT_DEGREES = 7;
    private static final int N = FaceAligner.CHIP_SIZE;

    private static final FaceLocator locator = SharedModels.locator();

    @Test
    void chipToImageRecoversAKnownSimilarityExactly() {
        AffineTransform truth = new AffineTransform();
        truth.translate(812.25, 233.5);
        truth.rotate(Math.toRadians(-23));
        truth.scale(1.7, 1.7);
        float[] landmarks = new float[136];
        int[] five = {45, 42, 36, 39, 33};
        for (int k = 0; k < 5; k++) {
            Point2D p = truth.transform(FaceAligner.templatePoint(k), null);
            landmarks[2 * five[k]] = (float) p.getX();
            landmarks[2 * five[k] + 1] = (float) p.getY();
        }
        AffineTransform got = FaceAligner.chipToImage(landmarks);
        double[] g = new double[6], t = new double[6];
        got.getMatrix(g);
        truth.getMatrix(t);
        for (int i = 0; i < 6; i++) {
            assertThat(g[i]).isCloseTo(t[i], within(1e-3)); // float landmarks
        }
    }

    @Test
    void extractChipSamplesTheImageBilinearlyAtTheTransformedPixelCentres() {
        // Red = x, green = y: the chip then shows where each of its pixels sampled.
        BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                image.setRGB(x, y, (x << 16) | (y << 8) | 77);
            }
        }
        AffineTransform shift = AffineTransform.getTranslateInstance(10.5, 20.25);
        float[] chip = FaceAligner.extractChip(image, shift);
        assertThat(chip).hasSize(3 * N * N);
        for (int v = 0; v < N; v += 7) {
            for (int u = 0; u < N; u += 7) {
                assertThat(chip[v * N + u]).isCloseTo(u + 10.5f, within(1e-3f));
                assertThat(chip[N * N + v * N + u]).isCloseTo(v + 20.25f, within(1e-3f));
                assertThat(chip[2 * N * N + v * N + u]).isCloseTo(77f, within(1e-3f));
            }
        }
        // Chip pixels that land outside the image are black, as in dlib.
        float[] outside = FaceAligner.extractChip(image, AffineTransform.getTranslateInstance(200, 200));
        assertThat(outside[(N - 1) * N + (N - 1)]).isZero();
        assertThat(outside[0]).isCloseTo(200f, within(1e-3f));
    }

    /**
     * Not party-2: one of its faces is near profile, and no similarity transform puts a profile's
     * eyes on a frontal template (dlib's chips of such faces are just as skewed).
     */
    static Stream<String> photosWithFrontalFaces() {
        return LandmarkNetTest.photosWithWholeFaces().filter(p -> !p.equals("groups/party-2.jpg"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("photosWithFrontalFaces")
    void theChipPutsBothEyeCentresLevelOnTheTemplatePositions(String path) throws NoninvertibleTransformException {
        BufferedImage image = read(path);
        List<LocatedFace> faces = locator.locate(image);
        assertThat(faces).isNotEmpty();
        Point2D leftTarget = midpoint(FaceAligner.templatePoint(2), FaceAligner.templatePoint(3));
        Point2D rightTarget = midpoint(FaceAligner.templatePoint(0), FaceAligner.templatePoint(1));
        for (LocatedFace face : faces) {
            AffineTransform imageToChip = face.chipToImage().createInverse();
            Point2D left = imageToChip.transform(eyeCentre(face, 36), null);
            Point2D right = imageToChip.transform(eyeCentre(face, 42), null);
            assertThat(left.distance(leftTarget)).as("left eye at %s", left).isLessThan(EYE_TOLERANCE_PX);
            assertThat(right.distance(rightTarget)).as("right eye at %s", right).isLessThan(EYE_TOLERANCE_PX);
            double tilt = Math.toDegrees(Math.atan2(right.getY() - left.getY(), right.getX() - left.getX()));
            assertThat(Math.abs(tilt)).as("eye line tilt in degrees").isLessThan(MAX_EYE_TILT_DEGREES);

            float[] chip = FaceAligner.extractChip(image, face.chipToImage());
            assertThat(chip).hasSize(3 * N * N);
            for (float value : chip) {
                assertThat(value).isBetween(0f, 255f);
            }
        }
    }

    @Test
    void theChipOfAFaceIsCentredOnIt() {
        BufferedImage image = read("people/obama/obama-1.jpg");
        LocatedFace face = locator.locate(image).get(0);
        Point2D chipCentre = face.chipToImage().transform(new Point2D.Double((N - 1) / 2.0, (N - 1) / 2.0), null);
        assertThat(face.box().contains(chipCentre)).isTrue();
        // Its scale is that of the face: the eyes are ~52 chip px apart.
        double scale = Math.hypot(face.chipToImage().getScaleX(), face.chipToImage().getShearY());
        double eyeDistance = eyeCentre(face, 36).distance(eyeCentre(face, 42));
        assertThat(eyeDistance / scale).isBetween(45.0, 60.0);
    }

    private static Point2D eyeCentre(LocatedFace face, int first) {
        double x = 0, y = 0;
        for (int i = first; i < first + 6; i++) {
            x += face.landmark(i).getX() / 6;
            y += face.landmark(i).getY() / 6;
        }
        return new Point2D.Double(x, y);
    }

    private static Point2D midpoint(Point2D a, Point2D b) {
        return new Point2D.Double((a.getX() + b.getX()) / 2, (a.getY() + b.getY()) / 2);
    }
}
