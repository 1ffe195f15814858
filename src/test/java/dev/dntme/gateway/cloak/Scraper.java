package dev.dntme.gateway.cloak;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LocatedFace;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * What a do-it-yourself scraper does with a downloaded photo: detect faces, align them, embed them
 * with the dlib recognition net, and call two faces the same person under {@link #MATCH}. Tests use it
 * to judge published bytes independently of the service's own receipts.
 */
public final class Scraper implements AutoCloseable {

    public static final double MATCH = 0.6;

    private final NDManager manager = NDManager.newBaseManager();
    private final FaceRecognitionNet net = FaceRecognitionNet.load(manager, "models/face-api");
    private final FaceLocator locator = new FaceLocator();

    public List<float[]> faces(byte[] encoded) {
        try {
            return faces(ImageIO.read(new ByteArrayInputStream(encoded)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<float[]> faces(BufferedImage image) {
        List<float[]> out = new ArrayList<>();
        for (LocatedFace face : locator.locate(image)) {
            out.add(net.describe(FaceAligner.extractChip(image, face.chipToImage()))[0]);
        }
        return out;
    }

    public static double distance(float[] a, float[] b) {
        return FaceRecognitionNet.distance(a, b);
    }

    /** The faces of these photos of the test set ({@code people/obama/obama-2.jpg}, ...). */
    public List<float[]> facesOf(String... photos) {
        List<float[]> out = new ArrayList<>();
        for (String photo : photos) {
            out.addAll(faces(TestPhotos.read(photo)));
        }
        return out;
    }

    /** How many of an animation's or video's frames show a face that matches one of {@code clean}. */
    public int linkedFrames(dev.dntme.gateway.imaging.media.FrameReader frames, List<float[]> clean) {
        int linked = 0;
        try (frames) {
            dev.dntme.gateway.imaging.media.MediaFrame frame;
            while ((frame = frames.next()) != null) {
                linked += links(frame.pixels(), clean) ? 1 : 0;
            }
        }
        return linked;
    }

    /** True when some face of {@code published} matches some face of {@code original}. */
    public boolean linkable(byte[] published, byte[] original) {
        return links(faces(published), faces(original));
    }

    /** True when some face of a frame (any pixel type, drawn on opaque black as a viewer would) matches one of {@code clean}. */
    public boolean links(BufferedImage frame, List<float[]> clean) {
        BufferedImage rgb = new BufferedImage(frame.getWidth(), frame.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(frame, 0, 0, null);
        return links(faces(rgb), clean);
    }

    private static boolean links(List<float[]> found, List<float[]> clean) {
        for (float[] p : found) {
            for (float[] c : clean) {
                if (distance(p, c) < MATCH) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void close() {
        locator.close();
        manager.close();
    }
}
