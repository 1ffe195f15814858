package dev.dntme.gateway.cloak.face;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds faces, their 68 landmarks and their aligned-chip transform: face-api.js's SSD MobileNet v1
 * detector and FaceLandmark68Net (weights from {@code models/face-api} on the classpath) on DJL's
 * PyTorch engine, CPU, followed by {@link FaceAligner}.
 *
 * <p><b>Thread-safety:</b> {@link #locate} is thread-safe; one instance can serve all worker
 * threads (weights are read-only, each call allocates its tensors in its own sub-manager, which it
 * frees before returning). Concurrent calls share PyTorch's intra-op thread pool, so throughput does
 * not grow past the cores. The weights take ~24 MB of native memory; the first call is slower
 * (warm-up). {@link #close} must not race with {@code locate}.
 */
public final class FaceLocator implements AutoCloseable {

    private final NDManager manager;
    private final FaceDetector detector;
    private final LandmarkNet landmarkNet;
    private final float minConfidence;

    /** Loads both nets with face-api's default detection threshold (0.5). */
    public FaceLocator() {
        this(FaceDetector.DEFAULT_MIN_CONFIDENCE);
    }

    /**
     * @param minConfidence detector score threshold in (0,1); lower finds more faces and more false
     *     ones (on the test photos, 0.2 also finds a child looking down, at 0.33, and still nothing
     *     in noise)
     */
    public FaceLocator(float minConfidence) {
        if (!(minConfidence > 0 && minConfidence < 1)) {
            throw new IllegalArgumentException("minConfidence must be in (0,1): " + minConfidence);
        }
        this.minConfidence = minConfidence;
        this.manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try {
            this.detector = new FaceDetector(manager);
            this.landmarkNet = new LandmarkNet(manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * All faces in {@code image}, best detection score first. Coordinates are pixels of
     * {@code image} (pixel centres at integers). Any BufferedImage type is accepted; it is read as
     * sRGB and alpha is ignored. Orientation (EXIF) must already be applied.
     */
    public List<LocatedFace> locate(BufferedImage image) {
        List<FaceDetector.Detection> detections = detector.detect(image, minConfidence, FaceDetector.DEFAULT_MAX_RESULTS);
        List<Rectangle2D> boxes = new ArrayList<>(detections.size());
        detections.forEach(d -> boxes.add(d.box()));
        List<float[]> landmarks = landmarkNet.landmarks(image, boxes);
        List<LocatedFace> faces = new ArrayList<>(detections.size());
        for (int i = 0; i < detections.size(); i++) {
            float[] points = landmarks.get(i);
            if (points != null) {
                FaceDetector.Detection d = detections.get(i);
                faces.add(new LocatedFace(d.box(), d.score(), points, FaceAligner.chipToImage(points)));
            }
        }
        return List.copyOf(faces);
    }

    /**
     * Re-fits the landmarks, and so the aligned-chip transform, inside the given boxes of another
     * version of the image (e.g. its cloaked copy): what a scraper's aligner would do with those
     * pixels. An entry is null where no landmarks could be fitted.
     */
    public List<java.awt.geom.AffineTransform> realign(BufferedImage image, List<Rectangle2D> boxes) {
        List<float[]> landmarks = landmarkNet.landmarks(image, boxes);
        List<java.awt.geom.AffineTransform> out = new ArrayList<>(boxes.size());
        for (float[] points : landmarks) {
            out.add(points == null ? null : FaceAligner.chipToImage(points));
        }
        return out;
    }

    /** The landmarks of {@link #realign}: re-fitted in the given boxes, null where none could be fitted. */
    public List<float[]> realignLandmarks(BufferedImage image, List<Rectangle2D> boxes) {
        return landmarkNet.landmarks(image, boxes);
    }

    FaceDetector detector() {
        return detector;
    }

    LandmarkNet landmarkNet() {
        return landmarkNet;
    }

    @Override
    public void close() {
        manager.close();
    }
}
