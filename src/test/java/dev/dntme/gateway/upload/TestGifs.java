package dev.dntme.gateway.upload;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/** Animated GIFs for the media job tests, written and read with the JDK's own GIF codec. */
final class TestGifs {

    private TestGifs() {
    }

    /** A frame and how long it shows, in hundredths of a second (GIF's unit). */
    record Frame(BufferedImage pixels, int delayCentis) {}

    /** {@code frames} full-canvas 64x48 frames of 100 ms; {@code seed} makes the bytes (and so the SHA-256) unique. */
    static byte[] animated(int frames, int seed) {
        List<Frame> all = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            BufferedImage frame = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = frame.createGraphics();
            g.setColor(new Color((seed * 53 + i * 37) % 256, (seed * 17 + i * 91) % 256, (seed * 7) % 256));
            g.fillRect(0, 0, 64, 48);
            g.setColor(Color.WHITE);
            g.fillOval(8 + i * 4 % 40, 8, 16, 16);
            g.dispose();
            all.add(new Frame(frame, 10));
        }
        return write(all, "made by a test camera, seed " + seed);
    }

    static byte[] write(List<Frame> frames) {
        return write(frames, null);
    }

    /** @param comment a GIF comment extension on the first frame (metadata a public copy must not keep), or null */
    static byte[] write(List<Frame> frames, String comment) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            for (Frame frame : frames) {
                ImageWriteParam param = writer.getDefaultWriteParam();
                IIOMetadata metadata = writer.getDefaultImageMetadata(
                        ImageTypeSpecifier.createFromRenderedImage(frame.pixels()), param);
                String format = metadata.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
                IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
                control.setAttribute("disposalMethod", "none");
                control.setAttribute("userInputFlag", "FALSE");
                control.setAttribute("transparentColorFlag", "FALSE");
                control.setAttribute("delayTime", Integer.toString(frame.delayCentis()));
                control.setAttribute("transparentColorIndex", "0");
                root.appendChild(control);
                if (comment != null && frame == frames.get(0)) {
                    IIOMetadataNode comments = new IIOMetadataNode("CommentExtensions");
                    IIOMetadataNode text = new IIOMetadataNode("CommentExtension");
                    text.setAttribute("value", comment);
                    comments.appendChild(text);
                    root.appendChild(comments);
                }
                metadata.setFromTree(format, root);
                writer.writeToSequence(new IIOImage(frame.pixels(), null, metadata), param);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    static List<Frame> read(byte[] gif) {
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            reader.setInput(in, false, false);
            int count = reader.getNumImages(true);
            List<Frame> frames = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                BufferedImage raw = reader.read(i);
                BufferedImage rgb = new BufferedImage(raw.getWidth(), raw.getHeight(), BufferedImage.TYPE_INT_RGB);
                Graphics2D g = rgb.createGraphics();
                g.drawImage(raw, 0, 0, null);
                g.dispose();
                frames.add(new Frame(rgb, delay(reader.getImageMetadata(i))));
            }
            return frames;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            reader.dispose();
        }
    }

    private static int delay(IIOMetadata metadata) {
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(metadata.getNativeMetadataFormatName());
        var controls = root.getElementsByTagName("GraphicControlExtension");
        return controls.getLength() == 0 ? 0
                : Integer.parseInt(((IIOMetadataNode) controls.item(0)).getAttribute("delayTime"));
    }
}
