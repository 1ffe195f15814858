package dev.dntme.gateway.cloak.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.SharedModels;
import dev.dntme.gateway.cloak.nets.NnOps;
import dev.dntme.gateway.cloak.nets.TfjsWeights;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FaceDetectorTest {

    private static final FaceDetector detector = SharedModels.detector();
    private static final NDManager manager = SharedModels.detectorManager();

    static Stream<String> portraits() {
        return Stream.of(
                "people/alex_lacamoire/alex_lacamoire-1.jpg", "people/alex_lacamoire/alex_lacamoire-2.jpg",
                "people/alex_lacamoire/alex_lacamoire-3.png", "people/biden/biden-1.jpg", "people/biden/biden-2.jpg",
                "people/kit_harington/kit_harington-1.jpg", "people/kit_harington/kit_harington-2.jpg",
                "people/kit_harington/kit_harington-3.jpg", "people/lin_manuel_miranda/lin_manuel_miranda-1.png",
                "people/obama/obama-1.jpg", "people/obama/obama-2.jpg", "people/obama/obama-3.jpg",
                "people/obama/obama-4.jpg", "people/rose_leslie/rose_leslie-1.jpg", "people/rose_leslie/rose_leslie-2.jpg");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("portraits")
    void everyPortraitYieldsExactlyOneFace(String path) {
        BufferedImage image = read(path);
        List<FaceDetector.Detection> faces = detector.detect(image);
        assertThat(faces).hasSize(1);
        assertThat(faces.get(0).score()).isGreaterThan(FaceDetector.DEFAULT_MIN_CONFIDENCE);
    }

    /** Counts are the faces a person sees at a glance (looked at each photo). */
    @ParameterizedTest(name = "{0} has at least {1} faces")
    @CsvSource({
        "groups/two_people.jpg, 2",       // Obama and Biden side by side
        "groups/kit_with_rose.jpg, 2",
        "groups/obama_and_biden.jpg, 2",  // plus a child looking down in the corner, face mostly hidden: not counted
        "groups/party-1.jpg, 3",
        "groups/party-2.jpg, 3",          // all three look down, one in profile
        "groups/party-3.jpg, 3",
        "groups/party-4.jpg, 4",
        "groups/party-5.jpg, 5",
        "groups/party-6.jpg, 4",
    })
    void groupPhotosYieldAtLeastTheFacesVisibleInThem(String path, int visibleFaces) {
        BufferedImage image = read(path);
        List<FaceDetector.Detection> faces = detector.detect(image);
        assertThat(faces).hasSizeGreaterThanOrEqualTo(visibleFaces);
        // Distinct faces do not overlap much: NMS must have merged duplicates.
        for (int i = 0; i < faces.size(); i++) {
            for (int j = i + 1; j < faces.size(); j++) {
                assertThat(iou(faces.get(i).box(), faces.get(j).box())).isLessThan(FaceDetector.IOU_THRESHOLD);
            }
        }
    }

    @Test
    void anImageWithoutAFaceYieldsNone() {
        assertThat(detector.detect(gradientWithNoise(800, 600, 7))).isEmpty();
        assertThat(detector.detect(new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB))).isEmpty();
    }

    @Test
    void boxesAreInOriginalImagePixelsWhereverTheFaceSits() {
        BufferedImage face = read("people/obama/obama-1.jpg");
        Rectangle2D alone = detector.detect(face).get(0).box();

        // The same photo pasted into a larger, differently shaped canvas, off the origin.
        int dx = 300, dy = 120;
        BufferedImage canvas = new BufferedImage(face.getWidth() + 500, face.getHeight() + 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.drawImage(face, dx, dy, null);
        g.dispose();
        List<FaceDetector.Detection> moved = detector.detect(canvas);

        assertThat(moved).hasSize(1);
        Rectangle2D box = moved.get(0).box();
        double tolerance = 0.08 * alone.getWidth(); // the net sees the face at another scale
        assertThat(box.getCenterX() - dx).isCloseTo(alone.getCenterX(), within(tolerance));
        assertThat(box.getCenterY() - dy).isCloseTo(alone.getCenterY(), within(tolerance));
        assertThat(box.getWidth()).isCloseTo(alone.getWidth(), within(2 * tolerance));
    }

    @Test
    void boxesStayInsideTheImageForAFaceCutByTheFrame() {
        BufferedImage image = read("edge/partial-face-1.jpg");
        List<FaceDetector.Detection> faces = detector.detect(image);
        assertThat(faces).hasSize(1);
        Rectangle2D box = faces.get(0).box();
        assertThat(box.getMinX()).isGreaterThanOrEqualTo(0);
        assertThat(box.getMinY()).isGreaterThanOrEqualTo(0);
        assertThat(box.getMaxX()).isLessThanOrEqualTo(image.getWidth());
        assertThat(box.getMaxY()).isLessThanOrEqualTo(image.getHeight());
    }

    @Test
    void tensorflowSamePaddingPutsTheExtraPixelAfter() {
        assertThat(NnOps.samePadding(512, 3, 2)).containsExactly(0, 1);
        assertThat(NnOps.samePadding(7, 3, 2)).containsExactly(1, 1);
        assertThat(NnOps.samePadding(16, 3, 1)).containsExactly(1, 1);
        assertThat(NnOps.samePadding(16, 1, 1)).containsExactly(0, 0);
    }

    /** The stride-2 'same' conv against a plain loop over tfjs-layout weights. */
    @Test
    void stridedSameConvolutionMatchesADirectComputation() {
        int in = 3, out = 2, size = 6, k = 3;
        Random random = new Random(1);
        float[] x = new float[in * size * size]; // CHW
        float[] kernel = new float[k * k * in * out]; // tfjs [kh,kw,in,out]
        float[] bias = {0.5f, -0.25f};
        for (int i = 0; i < x.length; i++) x[i] = random.nextFloat() - 0.5f;
        for (int i = 0; i < kernel.length; i++) kernel[i] = random.nextFloat() - 0.5f;
        try (NDManager m = manager.newSubManager()) {
            NDArray w = NnOps.convKernel(m, new TfjsWeights.Tensor("k", new long[] {k, k, in, out}, kernel));
            float[] got = NnOps.conv2dSame(m.create(x, new Shape(1, in, size, size)), w, m.create(bias), 2).toFloatArray();
            int outSize = 3;
            int[] pad = NnOps.samePadding(size, k, 2);
            assertThat(got).hasSize(out * outSize * outSize);
            for (int o = 0; o < out; o++) {
                for (int oy = 0; oy < outSize; oy++) {
                    for (int ox = 0; ox < outSize; ox++) {
                        double expected = bias[o];
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                int iy = oy * 2 + ky - pad[0], ix = ox * 2 + kx - pad[0];
                                if (iy < 0 || ix < 0 || iy >= size || ix >= size) continue;
                                for (int c = 0; c < in; c++) {
                                    expected += x[(c * size + iy) * size + ix] * kernel[((ky * k + kx) * in + c) * out + o];
                                }
                            }
                        }
                        assertThat(got[(o * outSize + oy) * outSize + ox]).isCloseTo((float) expected, within(1e-5f));
                    }
                }
            }
        }
    }

    static BufferedImage gradientWithNoise(int w, int h, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = clamp(x * 255 / w + random.nextInt(41) - 20);
                int g = clamp(y * 255 / h + random.nextInt(41) - 20);
                int b = clamp(128 + random.nextInt(81) - 40);
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    static double iou(Rectangle2D a, Rectangle2D b) {
        Rectangle2D i = a.createIntersection(b);
        double inter = i.isEmpty() ? 0 : i.getWidth() * i.getHeight();
        return inter / (a.getWidth() * a.getHeight() + b.getWidth() * b.getHeight() - inter);
    }

    static BufferedImage read(String path) {
        try (InputStream in = FaceDetectorTest.class.getResourceAsStream("/faces/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test photo " + path);
            }
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
