package dev.dntme.gateway.cloak.face;

import static dev.dntme.gateway.cloak.face.FaceDetectorTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.SharedModels;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FaceLocatorTest {

    private static final FaceLocator locator = SharedModels.locator();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.dntme.gateway.cloak.face.FaceDetectorTest#portraits")
    void everyPortraitYieldsExactlyOneLocatedFace(String path) {
        List<LocatedFace> faces = locator.locate(read(path));
        assertThat(faces).hasSize(1);
        LocatedFace face = faces.get(0);
        assertThat(face.landmarks()).hasSize(136);
        assertThat(face.chipToImage()).isEqualTo(FaceAligner.chipToImage(face.landmarks()));
    }

    @ParameterizedTest(name = "{0} has {1} face")
    @CsvSource({
        "edge/rgba-32bit.png, 1",      // alpha channel
        "edge/partial-face-1.jpg, 1",  // face cut by the left border
        "edge/partial-face-2.jpg, 1",  // face cut by the right border
        "edge/small-face.jpg, 1",      // 320x240 photo
        "edge/obama-1080p.jpg, 1",
    })
    void edgePhotosYieldTheirFace(String path, int faces) {
        assertThat(locator.locate(read(path))).hasSize(faces);
    }

    @Test
    void anImageWithoutAFaceYieldsNone() {
        assertThat(locator.locate(FaceDetectorTest.gradientWithNoise(640, 640, 11))).isEmpty();
    }

    @Test
    void anyImageTypeIsAcceptedAndAlphaIsIgnored() {
        BufferedImage photo = read("people/biden/biden-2.jpg");
        Rectangle2D reference = locator.locate(as(photo, BufferedImage.TYPE_INT_RGB)).get(0).box();

        // Same pixels in other layouts: same result.
        for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_BGR, BufferedImage.TYPE_4BYTE_ABGR}) {
            List<LocatedFace> faces = locator.locate(as(photo, type));
            assertThat(faces).as("type %d", type).hasSize(1);
            assertThat(faces.get(0).box()).isEqualTo(reference);
        }

        // Fully transparent but with the colours kept: alpha must not matter.
        BufferedImage transparent = as(photo, BufferedImage.TYPE_INT_ARGB);
        int[] argb = transparent.getRGB(0, 0, photo.getWidth(), photo.getHeight(), null, 0, photo.getWidth());
        for (int i = 0; i < argb.length; i++) {
            argb[i] &= 0x00FFFFFF;
        }
        transparent.setRGB(0, 0, photo.getWidth(), photo.getHeight(), argb, 0, photo.getWidth());
        assertThat(locator.locate(transparent)).singleElement()
                .satisfies(f -> assertThat(f.box()).isEqualTo(reference));

        // Grey is a different picture but still one face, near the same place.
        List<LocatedFace> grey = locator.locate(as(photo, BufferedImage.TYPE_BYTE_GRAY));
        assertThat(grey).hasSize(1);
        assertThat(FaceDetectorTest.iou(grey.get(0).box(), reference)).isGreaterThan(0.8);
    }

    @Test
    void locateIsThreadSafe() throws Exception {
        String[] paths = {"groups/party-1.jpg", "groups/two_people.jpg", "people/obama/obama-2.jpg", "groups/party-5.jpg"};
        List<BufferedImage> images = new ArrayList<>();
        List<List<LocatedFace>> sequential = new ArrayList<>();
        for (String p : paths) {
            images.add(read(p));
            sequential.add(locator.locate(images.get(images.size() - 1)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<LocatedFace>>> futures = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (BufferedImage image : images) {
                    futures.add(pool.submit(() -> locator.locate(image)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                List<LocatedFace> got = futures.get(i).get();
                List<LocatedFace> expected = sequential.get(i % images.size());
                assertThat(got).hasSameSizeAs(expected);
                for (int f = 0; f < got.size(); f++) {
                    assertThat(got.get(f).score()).isCloseTo(expected.get(f).score(), within(1e-4f));
                    float[] a = got.get(f).landmarks(), b = expected.get(f).landmarks();
                    for (int k = 0; k < a.length; k++) {
                        assertThat(a[k]).isCloseTo(b[k], within(1e-2f));
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void locatedFacesCannotBeChangedFromOutside() {
        LocatedFace face = locator.locate(read("people/obama/obama-3.jpg")).get(0);
        float x0 = face.landmarks()[0];
        face.landmarks()[0] = -1;
        face.chipToImage().translate(100, 100);
        face.box().setRect(0, 0, 1, 1);
        assertThat(face.landmarks()[0]).isEqualTo(x0);
        assertThat(face.chipToImage()).isEqualTo(FaceAligner.chipToImage(face.landmarks()));
        assertThat(face.box().getWidth()).isGreaterThan(1);
    }

    /**
     * Per-stage timings on every group and edge photo: {@code mvn -o -Pbenchmark test -Dtest=FaceLocatorTest}.
     * One warm-up pass, then the median of 5 passes per stage.
     */
    @Test
    @Tag("benchmark")
    void printsPerStageTimings() {
        String[] paths = {"groups/two_people.jpg", "groups/kit_with_rose.jpg", "groups/obama_and_biden.jpg",
            "groups/party-1.jpg", "groups/party-2.jpg", "groups/party-3.jpg", "groups/party-4.jpg",
            "groups/party-5.jpg", "groups/party-6.jpg", "edge/rgba-32bit.png", "edge/partial-face-1.jpg",
            "edge/partial-face-2.jpg", "edge/small-face.jpg", "edge/obama-1080p.jpg"};
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
             FaceDetector detector = new FaceDetector(manager);
             LandmarkNet landmarkNet = new LandmarkNet(manager)) {
            System.out.printf("%-22s %10s %5s %10s %10s %10s %10s%n", "photo", "size", "faces", "detect ms", "landm. ms", "align ms", "locate ms");
            for (String path : paths) {
                BufferedImage image = read(path);
                int passes = 5;
                long[] detect = new long[passes], marks = new long[passes], align = new long[passes], all = new long[passes];
                int faces = 0;
                for (int pass = -1; pass < passes; pass++) {
                    long t0 = System.nanoTime();
                    List<FaceDetector.Detection> d = detector.detect(image);
                    long t1 = System.nanoTime();
                    List<float[]> l = landmarkNet.landmarks(image, d.stream().map(FaceDetector.Detection::box).toList());
                    long t2 = System.nanoTime();
                    for (float[] points : l) {
                        AffineTransform t = FaceAligner.chipToImage(points);
                        FaceAligner.extractChip(image, t);
                    }
                    long t3 = System.nanoTime();
                    locator.locate(image);
                    long t4 = System.nanoTime();
                    faces = d.size();
                    if (pass >= 0) {
                        detect[pass] = t1 - t0;
                        marks[pass] = t2 - t1;
                        align[pass] = t3 - t2;
                        all[pass] = t4 - t3;
                    }
                }
                System.out.printf("%-22s %10s %5d %10.1f %10.1f %10.1f %10.1f%n", path.substring(path.indexOf('/') + 1),
                        image.getWidth() + "x" + image.getHeight(), faces, median(detect), median(marks), median(align), median(all));
            }
        }
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    private static BufferedImage as(BufferedImage source, int type) {
        BufferedImage copy = new BufferedImage(source.getWidth(), source.getHeight(), type);
        Graphics2D g = copy.createGraphics();
        g.drawImage(source, 0, 0, null);
        g.dispose();
        return copy;
    }
}
