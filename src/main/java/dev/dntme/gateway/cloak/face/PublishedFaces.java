package dev.dntme.gateway.cloak.face;

import ai.djl.ndarray.NDManager;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * How scrapers could find the faces of a published photo: the landmarks re-fitted in the face's own box, and
 * in the box of every detection that overlaps it from the service's SSD and from a second, independent detector
 * (face-api's Tiny YOLO), each re-detected on the published pixels. The cloak's publish check measures a face at
 * every one of these alignments and counts the closest: a face is done only when it is past the bar however it is
 * found.
 *
 * <p>Thread-safety as {@link FaceLocator}, whose SSD and landmark net it shares: one instance per worker, next to
 * that worker's locator.
 */
public final class PublishedFaces implements AutoCloseable {

    /** A re-detection belongs to a face when their boxes overlap this much (intersection over union). */
    static final double SAME_FACE_IOU = 0.3;

    private final NDManager manager;
    private final FaceDetector ssd;
    private final TinyFaceDetector tiny;
    private final LandmarkNet landmarks;
    private final boolean redetect;

    /**
     * @param locator  whose SSD and landmark net it reuses (no second copy of their weights); it must outlive this
     * @param redetect false: only re-fit the landmarks in the faces' own boxes (no detector runs)
     */
    public PublishedFaces(FaceLocator locator, boolean redetect) {
        this.manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
        try {
            this.tiny = redetect ? new TinyFaceDetector(manager) : null;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        this.landmarks = locator.landmarkNet();
        this.ssd = redetect ? locator.detector() : null;
        this.redetect = redetect;
    }

    /**
     * What the re-detection found: per face box, the 68-landmark sets a scraper could fit on the published pixels, and
     * the detections that belong to no box (a face the caller did not know of; empty without re-detection).
     */
    public record Found(List<List<float[]>> alignments, List<Rectangle2D> others) {}

    /** Per face box, the 68-landmark sets a scraper could fit on {@code published} (never null; may be empty). */
    public List<List<float[]>> alignments(BufferedImage published, List<Rectangle2D> boxes) {
        return search(published, boxes).alignments();
    }

    /** {@link #alignments}, and the detections that overlap none of the boxes. */
    public Found search(BufferedImage published, List<Rectangle2D> boxes) {
        List<Rectangle2D> others = new ArrayList<>();
        List<List<float[]>> out = new ArrayList<>();
        List<float[]> own = landmarks.landmarks(published, boxes);
        for (float[] points : own) {
            List<float[]> sets = new ArrayList<>();
            if (points != null) {
                sets.add(points);
            }
            out.add(sets);
        }
        if (redetect) {
            List<Rectangle2D> found = new ArrayList<>();
            List<Integer> owner = new ArrayList<>();
            for (List<FaceDetector.Detection> detections : List.of(ssd.detect(published), tiny.detect(published))) {
                for (FaceDetector.Detection d : detections) {
                    int best = -1;
                    double bestIou = SAME_FACE_IOU;
                    for (int f = 0; f < boxes.size(); f++) {
                        double iou = Boxes.iou(d.box(), boxes.get(f));
                        if (iou >= bestIou) {
                            best = f;
                            bestIou = iou;
                        }
                    }
                    if (best >= 0) {
                        found.add(d.box());
                        owner.add(best);
                    } else {
                        others.add(d.box());
                    }
                }
            }
            List<float[]> fitted = found.isEmpty() ? List.of() : landmarks.landmarks(published, found);
            for (int i = 0; i < fitted.size(); i++) {
                if (fitted.get(i) != null) {
                    out.get(owner.get(i)).add(fitted.get(i));
                }
            }
        }
        return new Found(out, others);
    }

    /** Whether {@link #search} looks for faces beyond the given boxes. */
    public boolean redetects() {
        return redetect;
    }

    /** Frees the Tiny detector; the shared nets stay with their locator. */
    @Override
    public void close() {
        manager.close();
    }
}
