package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.MediaCodec;
import dev.dntme.gateway.support.TestImages;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Animations made on the spot from the face photos, written by encoders other than the codec's own (ImageIO's GIF
 * writer, APNG chunks assembled here), plus hand-made hostile ones. Public for the hostile corpus.
 */
public final class Animations {

    private Animations() {
    }

    /** The codec as Spring makes it, for tests outside this package. */
    public static MediaCodec codec() {
        return new AnimationCodec();
    }

    /** {@code count} frames panning a {@code width}x{@code height} window across an Obama portrait, scaled down. */
    public static List<BufferedImage> panningFaces(int count, int width, int height, boolean transparentCorner) {
        BufferedImage photo = read(TestImages.photo("people/obama/obama-" + 1 + ".jpg"));
        int scaledWidth = width + 10 * count;
        int scaledHeight = Math.max(height, photo.getHeight() * scaledWidth / photo.getWidth());
        BufferedImage scaled = new BufferedImage(scaledWidth, scaledHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(photo, 0, 0, scaledWidth, scaledHeight, null);
        g.dispose();
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage frame = new BufferedImage(width, height,
                    transparentCorner ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int rgb = scaled.getRGB(x + 10 * i, y + (scaledHeight - height) / 3);
                    boolean clear = transparentCorner && x < width / 4 && y < height / 4;
                    frame.setRGB(x, y, clear ? 0 : 0xFF000000 | rgb);
                }
            }
            frames.add(frame);
        }
        return frames;
    }

    /**
     * An animated GIF written by ImageIO (its own palettes), every frame full-canvas.
     *
     * @param delaysCs per frame, in centiseconds
     * @param repeats  the NETSCAPE2.0 repeat count, or -1 for no loop extension
     */
    public static byte[] imageIoGif(List<BufferedImage> frames, int[] delaysCs, int repeats) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            for (int i = 0; i < frames.size(); i++) {
                BufferedImage indexed = new BufferedImage(frames.get(i).getWidth(), frames.get(i).getHeight(),
                        BufferedImage.TYPE_BYTE_INDEXED);
                Graphics2D g = indexed.createGraphics();
                g.drawImage(frames.get(i), 0, 0, null);
                g.dispose();
                ImageWriteParam param = writer.getDefaultWriteParam();
                IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(indexed), param);
                String format = metadata.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
                IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
                control.setAttribute("disposalMethod", "doNotDispose");
                control.setAttribute("userInputFlag", "FALSE");
                control.setAttribute("transparentColorFlag", "FALSE");
                control.setAttribute("delayTime", Integer.toString(delaysCs[i]));
                control.setAttribute("transparentColorIndex", "0");
                root.appendChild(control);
                if (i == 0 && repeats >= 0) {
                    IIOMetadataNode extensions = new IIOMetadataNode("ApplicationExtensions");
                    IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
                    loop.setAttribute("applicationID", "NETSCAPE");
                    loop.setAttribute("authenticationCode", "2.0");
                    loop.setUserObject(new byte[] {1, (byte) repeats, (byte) (repeats >> 8)});
                    extensions.appendChild(loop);
                    root.appendChild(extensions);
                }
                metadata.setFromTree(format, root);
                writer.writeToSequence(new IIOImage(indexed, null, metadata), param);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** An APNG, each frame the whole canvas, data straight from ImageIO's PNG writer; delays in milliseconds. */
    public static byte[] apng(List<BufferedImage> frames, int[] delaysMs, int plays) {
        return apng(frames, delaysMs, plays, frames.size(), null);
    }

    /**
     * @param declaredFrames what acTL says
     * @param defaultImage   a default image that is not part of the animation, or null for frame 0 as default
     */
    public static byte[] apng(List<BufferedImage> frames, int[] delaysMs, int plays, int declaredFrames,
            BufferedImage defaultImage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Png.SIGNATURE);
        byte[] first = png(frames.get(0));
        out.write(first, 8, 25); // IHDR as ImageIO wrote it
        ByteArrayOutputStream actl = new ByteArrayOutputStream();
        Png.writeInt(actl, declaredFrames);
        Png.writeInt(actl, plays);
        Png.chunk(out, "acTL", actl.toByteArray());
        int sequence = 0;
        if (defaultImage != null) {
            Png.chunk(out, "IDAT", idat(png(defaultImage)));
        }
        for (int i = 0; i < frames.size(); i++) {
            BufferedImage frame = frames.get(i);
            ByteArrayOutputStream fctl = new ByteArrayOutputStream();
            Png.writeInt(fctl, sequence++);
            Png.writeInt(fctl, frame.getWidth());
            Png.writeInt(fctl, frame.getHeight());
            Png.writeInt(fctl, 0);
            Png.writeInt(fctl, 0);
            Png.writeShort(fctl, delaysMs[i]);
            Png.writeShort(fctl, 1000);
            fctl.write(0);
            fctl.write(0);
            Png.chunk(out, "fcTL", fctl.toByteArray());
            byte[] data = idat(png(frame));
            if (i == 0 && defaultImage == null) {
                Png.chunk(out, "IDAT", data);
            } else {
                ByteArrayOutputStream fdat = new ByteArrayOutputStream();
                Png.writeInt(fdat, sequence++);
                fdat.writeBytes(data);
                Png.chunk(out, "fdAT", fdat.toByteArray());
            }
        }
        Png.chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A 3-frame APNG with sub-rectangle frames: a full opaque background, then {@code second} at (x, y) with the given
     * blend and dispose operations, then a 1x1 frame at the origin (blend source) to show what the disposal left.
     */
    static byte[] apngWithPatch(BufferedImage background, BufferedImage second, int x, int y, int blend, int dispose) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Png.SIGNATURE);
        BufferedImage argbBackground = new BufferedImage(background.getWidth(), background.getHeight(),
                BufferedImage.TYPE_INT_ARGB);
        argbBackground.getGraphics().drawImage(background, 0, 0, null);
        out.write(png(argbBackground), 8, 25);
        ByteArrayOutputStream actl = new ByteArrayOutputStream();
        Png.writeInt(actl, 3);
        Png.writeInt(actl, 0);
        Png.chunk(out, "acTL", actl.toByteArray());
        BufferedImage dot = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        dot.setRGB(0, 0, 0xFF00FF00);
        Object[][] frames = {{argbBackground, 0, 0, 0, 0}, {second, x, y, blend, dispose}, {dot, 0, 0, 0, 0}};
        int sequence = 0;
        for (Object[] f : frames) {
            BufferedImage image = (BufferedImage) f[0];
            ByteArrayOutputStream fctl = new ByteArrayOutputStream();
            Png.writeInt(fctl, sequence++);
            Png.writeInt(fctl, image.getWidth());
            Png.writeInt(fctl, image.getHeight());
            Png.writeInt(fctl, (int) f[1]);
            Png.writeInt(fctl, (int) f[2]);
            Png.writeShort(fctl, 100);
            Png.writeShort(fctl, 1000);
            fctl.write((int) f[4]);
            fctl.write((int) f[3]);
            Png.chunk(out, "fcTL", fctl.toByteArray());
            byte[] data = idat(png(image));
            if (sequence == 1) {
                Png.chunk(out, "IDAT", data);
            } else {
                ByteArrayOutputStream fdat = new ByteArrayOutputStream();
                Png.writeInt(fdat, sequence++);
                fdat.writeBytes(data);
                Png.chunk(out, "fdAT", fdat.toByteArray());
            }
        }
        Png.chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A GIF of {@code frames} 1x1 frames, written byte by byte (ImageIO's writer takes seconds for thousands).
     *
     * @param delayCs every frame's delay
     */
    public static byte[] tinyFrameGif(int frames, int delayCs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {1, 0, 1, 0, (byte) 0x80, 0, 0}); // 1x1, global table of 2 colours
        out.writeBytes(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
        out.writeBytes(new byte[] {0x21, (byte) 0xFF, 11});
        out.writeBytes("NETSCAPE2.0".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {3, 1, 0, 0, 0});
        for (int i = 0; i < frames; i++) {
            out.writeBytes(new byte[] {0x21, (byte) 0xF9, 4, 0, (byte) delayCs, (byte) (delayCs >> 8), 0, 0});
            out.writeBytes(new byte[] {0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0});
            // LZW, minimum code size 2: clear (4), the pixel (i % 2), end (5), in 3-bit codes.
            int pixel = i % 2;
            int bits = 4 | (pixel << 3) | (5 << 6);
            out.writeBytes(new byte[] {2, 2, (byte) bits, (byte) (bits >> 8), 0});
        }
        out.write(0x3B);
        return out.toByteArray();
    }

    public static BufferedImage read(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] png(BufferedImage image) {
        return TestImages.encode(image, "png");
    }

    /** The concatenated IDAT payloads of a PNG. */
    static byte[] idat(byte[] png) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int at = 8; at + 12 <= png.length; ) {
            int length = Png.readInt(png, at);
            if (Png.type(png, at + 4).equals("IDAT")) {
                data.write(png, at + 8, length);
            }
            at += 12 + length;
        }
        return data.toByteArray();
    }
}
