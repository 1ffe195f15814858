package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Node;

/**
 * Plays a GIF frame by frame through ImageIO's GIF reader, compositing each frame's rectangle onto the canvas with
 * the disposal, position and transparency ImageIO reads from the frame's own metadata. Display times come from
 * the header walk ({@link GifStructure}), which applies the browsers' effective delay.
 */
final class GifFrameReader implements FrameReader {

    private static final String NATIVE_FORMAT = "javax_imageio_gif_image_1.0";

    private final MediaHeader header;
    private final List<Long> durations = new ArrayList<>();
    private final Canvas canvas;
    private final ImageInputStream input;
    private final ImageReader reader;
    private int index;
    private long timestamp;
    /** What the previous frame's disposal needs done before the next frame draws. */
    private Runnable pendingDisposal = () -> { };

    GifFrameReader(byte[] bytes, MediaHeader header) {
        this.header = header;
        Outline outline = GifStructure.read(bytes, frame -> durations.add(frame.durationMicros()));
        this.canvas = outline.canvas();
        try {
            this.input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.reader = ImageIO.getImageReadersByFormatName("gif").next();
        reader.setInput(input, true, false);
    }

    @Override
    public MediaHeader header() {
        return header;
    }

    @Override
    public MediaFrame next() {
        return Decoding.guarded("GIF frame " + (index + 1), this::decodeNext);
    }

    private MediaFrame decodeNext() {
        if (index >= header.frames()) {
            refuseExtraFrame();
            return null;
        }
        try {
            IIOMetadata metadata = reader.getImageMetadata(index);
            BufferedImage image = reader.read(index);
            Node root = metadata.getAsTree(NATIVE_FORMAT);
            Node descriptor = child(root, "ImageDescriptor");
            int x = intAttribute(descriptor, "imageLeftPosition");
            int y = intAttribute(descriptor, "imageTopPosition");
            // Clipped to the canvas: the walk refused frames outside it, so this only guards against a reader that
            // disagrees with the walk.
            int w = Math.min(image.getWidth(), canvas.width - x);
            int h = Math.min(image.getHeight(), canvas.height - y);
            if (w <= 0 || h <= 0 || index >= durations.size()) {
                throw Corrupt.because("Frame " + (index + 1) + " of the GIF lies outside its canvas");
            }
            pendingDisposal.run();
            Node control = child(root, "GraphicControlExtension");
            String disposal = control == null ? "none" : attribute(control, "disposalMethod");
            if ("restoreToPrevious".equals(disposal)) {
                int[] saved = canvas.copy(x, y, w, h);
                pendingDisposal = () -> canvas.put(x, y, w, h, saved);
            } else if ("restoreToBackgroundColor".equals(disposal)) {
                pendingDisposal = () -> canvas.clear(x, y, w, h);
            } else {
                pendingDisposal = () -> { };
            }
            canvas.drawOpaque(x, y, w, h, image.getRGB(0, 0, w, h, null, 0, w));
            long duration = durations.get(index);
            MediaFrame frame = new MediaFrame(index, canvas.snapshot(), timestamp, duration);
            timestamp += duration;
            index++;
            return frame;
        } catch (IndexOutOfBoundsException e) {
            throw Corrupt.because("The GIF decodes to " + index + " frames where its blocks declare " + header.frames());
        } catch (IOException e) {
            throw Corrupt.because("Frame " + (index + 1) + " of the GIF could not be decoded");
        }
    }

    /** A reader that finds more frames than the walk counted would play something the limits never saw. */
    private void refuseExtraFrame() {
        boolean more;
        try {
            reader.getWidth(index);
            more = true;
        } catch (IndexOutOfBoundsException | IOException e) {
            more = false;
        }
        if (more) {
            throw Corrupt.because("The GIF decodes to more frames than the " + header.frames() + " its header declares");
        }
    }

    private static Node child(Node parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return n;
            }
        }
        return null;
    }

    private static String attribute(Node node, String name) {
        Node value = node.getAttributes().getNamedItem(name);
        return value == null ? null : value.getNodeValue();
    }

    private static int intAttribute(Node node, String name) {
        return Integer.parseInt(attribute(node, name));
    }

    @Override
    public void close() {
        reader.dispose();
        try {
            input.close();
        } catch (IOException e) {
            // in-memory stream: nothing to release
        }
    }
}
