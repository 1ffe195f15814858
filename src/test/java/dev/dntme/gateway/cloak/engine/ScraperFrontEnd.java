package dev.dntme.gateway.cloak.engine;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.face.FaceDetector;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LandmarkNet;
import dev.dntme.gateway.cloak.face.TinyFaceDetector;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An independent scraper's front end for the protection benchmark (dev.dntme.gateway.benchmark.protection):
 * face-api's Tiny Face Detector (not the service's SSD) and the 68-point landmark net in its box; the SSD (with
 * its own landmark fit) only where Tiny finds no face. Of several faces, the one whose box centre is nearest the
 * image centre (the labelled face of a benchmark photo). Remembers the last image, so that several recognisers
 * on one photo share one detection.
 */
public final class ScraperFrontEnd implements AutoCloseable {

    /** 68 landmarks of the chosen face and which detector found it ({@code tiny} or {@code ssd}). */
    public record Located(float[] landmarks, String detector) {
    }

    private final NDManager manager = NDManager.newBaseManager();
    private final TinyFaceDetector tiny = new TinyFaceDetector(manager);
    private final LandmarkNet landmarkNet = new LandmarkNet(manager);
    private final FaceLocator ssd = new FaceLocator();
    private BufferedImage last;
    private Optional<Located> lastFound = Optional.empty();

    public synchronized Optional<Located> locate(BufferedImage image) {
        if (image != last) {
            lastFound = find(image);
            last = image;
        }
        return lastFound;
    }

    private Optional<Located> find(BufferedImage image) {
        List<FaceDetector.Detection> found = tiny.detect(image);
        if (!found.isEmpty()) {
            FaceDetector.Detection d = found.stream().min(Comparator.comparingDouble(f -> offCentre(f.box(), image))).orElseThrow();
            float[] points = landmarkNet.landmarks(image, List.of(d.box())).get(0);
            if (points != null) {
                return Optional.of(new Located(points, "tiny"));
            }
        }
        return ssd.locate(image).stream().min(Comparator.comparingDouble(f -> offCentre(f.box(), image)))
                .map(f -> new Located(f.landmarks(), "ssd"));
    }

    private static double offCentre(Rectangle2D box, BufferedImage image) {
        return Math.hypot(box.getCenterX() - (image.getWidth() - 1) / 2.0, box.getCenterY() - (image.getHeight() - 1) / 2.0);
    }

    @Override
    public synchronized void close() {
        ssd.close();
        tiny.close();
        landmarkNet.close();
        manager.close();
    }
}
