package dev.dntme.gateway.hardening;

import dev.dntme.gateway.imaging.animation.Animations;
import dev.dntme.gateway.support.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/** Valid seed images in every accepted format, and byte-level tools to take them apart. */
final class Seeds {

    private Seeds() {
    }

    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    static byte[] jpeg() {
        return TestImages.withExif(TestImages.jpeg(64, 48), 6);
    }

    static byte[] png() {
        return TestImages.png(64, 48);
    }

    static byte[] gif() {
        return TestImages.encode(TestImages.gradient(64, 48), "gif");
    }

    static byte[] webpLossy() {
        return resource("lossy.webp");
    }

    static byte[] webpLossless() {
        return resource("lossless.webp");
    }

    static byte[] webpAlpha() {
        return resource("alpha.webp");
    }

    static byte[] resource(String name) {
        try (InputStream in = Seeds.class.getClassLoader().getResourceAsStream("hostile/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no seed " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] progressiveJpeg(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    static BufferedImage flat(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(90, 120, 200));
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    /** A 4-channel JPEG (as the JPEG writer makes from a raster), optionally with an Adobe APP14 segment. */
    static byte[] fourChannelJpeg(Integer adobeTransform) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 40, 30, 4, null);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                raster.setPixel(x, y, new int[] {x * 6, y * 8, 60, 20});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(raster, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] jpeg = out.toByteArray();
        if (adobeTransform == null) {
            return jpeg;
        }
        byte[] adobe = ByteBuffer.allocate(12).put("Adobe".getBytes(StandardCharsets.US_ASCII)).putShort((short) 100)
                .putShort((short) 0).putShort((short) 0).put(adobeTransform.byteValue()).array();
        return insertSegment(jpeg, 0xEE, adobe);
    }

    static byte[] grayJpeg() {
        BufferedImage gray = new BufferedImage(48, 32, BufferedImage.TYPE_BYTE_GRAY);
        gray.createGraphics().drawImage(TestImages.gradient(48, 32), 0, 0, null);
        return TestImages.encode(gray, "jpeg");
    }

    /** PNGs the JDK writer makes from each colour model it supports. */
    static List<byte[]> pngColourModels() {
        List<byte[]> out = new ArrayList<>();
        BufferedImage gradient = TestImages.gradient(40, 30);
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_USHORT_GRAY,
                BufferedImage.TYPE_BYTE_BINARY, BufferedImage.TYPE_BYTE_INDEXED, BufferedImage.TYPE_INT_ARGB,
                BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_3BYTE_BGR}) {
            BufferedImage image = new BufferedImage(40, 30, type);
            Graphics2D g = image.createGraphics();
            g.drawImage(gradient, 0, 0, null);
            g.dispose();
            if (type == BufferedImage.TYPE_INT_ARGB || type == BufferedImage.TYPE_4BYTE_ABGR) {
                for (int x = 0; x < 40; x++) {
                    image.setRGB(x, 0, 0x00FFFFFF); // a transparent first row
                }
            }
            out.add(TestImages.encode(image, "png"));
        }
        out.add(TestImages.encode(sixteenBit(false), "png"));
        out.add(TestImages.encode(sixteenBit(true), "png"));
        return out;
    }

    static BufferedImage sixteenBit(boolean alpha) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(40, 30);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                raster.setPixel(x, y, alpha ? new int[] {x * 1600, y * 2100, 30000, 65535 - x * 1000}
                        : new int[] {x * 1600, y * 2100, 30000});
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    /** A palette PNG with a tRNS chunk (one fully transparent entry). */
    static byte[] paletteWithTransparency() {
        byte[] r = {0, (byte) 255, 0, 0};
        byte[] g = {0, 0, (byte) 255, 0};
        byte[] b = {0, 0, 0, (byte) 255};
        IndexColorModel model = new IndexColorModel(2, 4, r, g, b, 0);
        BufferedImage image = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_BINARY, model);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 20; x++) {
                image.getRaster().setSample(x, y, 0, (x + y) % 4);
            }
        }
        return TestImages.encode(image, "png");
    }

    /** An animated GIF: {@code frames} frames of 16x16, each a different colour. */
    static byte[] animatedGif(int frames) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            for (int i = 0; i < frames; i++) {
                BufferedImage frame = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED);
                Graphics2D g = frame.createGraphics();
                g.setColor(i == 0 ? Color.RED : new Color((i * 37) % 256, (i * 91) % 256, 200));
                g.fillRect(0, 0, 16, 16);
                g.dispose();
                ImageWriteParam param = writer.getDefaultWriteParam();
                IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
                IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(metadata.getNativeMetadataFormatName());
                IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
                control.setAttribute("disposalMethod", "none");
                control.setAttribute("userInputFlag", "FALSE");
                control.setAttribute("transparentColorFlag", "FALSE");
                control.setAttribute("delayTime", "1");
                control.setAttribute("transparentColorIndex", "0");
                root.appendChild(control);
                metadata.setFromTree(metadata.getNativeMetadataFormatName(), root);
                writer.writeToSequence(new IIOImage(frame, null, metadata), param);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** A GIF of {@code frames} 1x1 frames, each shown {@code delayCs} centiseconds: tiny bytes, a huge frame count. */
    static byte[] tinyFrameGif(int frames, int delayCs) {
        return Animations.tinyFrameGif(frames, delayCs);
    }

    /** A 3-frame APNG of a face (32x24) whose acTL declares {@code declaredFrames}. */
    static byte[] apng(int declaredFrames) {
        return Animations.apng(Animations.panningFaces(3, 32, 24, false), new int[] {100, 100, 100}, 0, declaredFrames,
                null);
    }

    /** An animated WebP of a face (32x24), lossy frames from FFmpeg's libwebp. */
    static byte[] animatedWebp(int frames) {
        int[] delays = new int[frames];
        java.util.Arrays.fill(delays, 100);
        return dev.dntme.gateway.imaging.animation.WebpAnimations.of(Animations.panningFaces(frames, 32, 24, false),
                delays, 0);
    }

    // ---- PNG ----------------------------------------------------------------------------------

    static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        dev.dntme.gateway.support.TestImages.chunk(out, type, data);
    }

    static byte[] ihdr(int width, int height, int bitDepth, int colourType) {
        return ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth).put((byte) colourType)
                .put((byte) 0).put((byte) 0).put((byte) 0).array();
    }

    /** An RGB 8-bit PNG whose IDAT holds {@code rawLength} zero bytes, deflated (a decompression bomb when large). */
    static byte[] pngOfZeros(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PNG_SIGNATURE);
        chunk(out, "IHDR", ihdr(width, height, 8, 2));
        chunk(out, "IDAT", deflatedZeros((long) height * (1 + 3L * width)));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** The seed PNG with {@code type} chunks inserted right after IHDR. */
    static byte[] pngWithChunk(byte[] png, String type, byte[] data) {
        int afterIhdr = 8 + 12 + 13;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterIhdr);
        chunk(out, type, data);
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    static byte[] deflatedZeros(long length) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, deflater, 1 << 16)) {
            byte[] zeros = new byte[1 << 20];
            for (long done = 0; done < length; done += zeros.length) {
                out.write(zeros, 0, (int) Math.min(zeros.length, length - done));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    static byte[] deflate(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes)) {
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    // ---- JPEG ---------------------------------------------------------------------------------

    static byte[] insertSegment(byte[] jpeg, int marker, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.writeBytes(segment(marker, payload));
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    static byte[] segment(int marker, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(marker);
        int length = payload.length + 2;
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** Offset of the first frame header (SOF0..SOF2) marker. */
    static int sofOffset(byte[] jpeg) {
        int i = 2;
        while (i + 4 < jpeg.length) {
            int marker = jpeg[i + 1] & 0xFF;
            if (marker >= 0xC0 && marker <= 0xC2) {
                return i;
            }
            i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
        }
        throw new IllegalArgumentException("no SOF");
    }

    static byte[] withJpegDimensions(byte[] jpeg, int width, int height) {
        byte[] out = jpeg.clone();
        int sof = sofOffset(out);
        out[sof + 5] = (byte) (height >> 8);
        out[sof + 6] = (byte) height;
        out[sof + 7] = (byte) (width >> 8);
        out[sof + 8] = (byte) width;
        return out;
    }

    /** [start, end) of every scan (SOS header and its entropy-coded data). */
    static List<int[]> scans(byte[] jpeg) {
        List<int[]> scans = new ArrayList<>();
        int i = 2;
        while (i + 3 < jpeg.length) {
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xD9) {
                break;
            }
            int end = i + 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
            if (marker == 0xDA) {
                while (end + 1 < jpeg.length && !((jpeg[end] & 0xFF) == 0xFF && jpeg[end + 1] != 0
                        && ((jpeg[end + 1] & 0xFF) < 0xD0 || (jpeg[end + 1] & 0xFF) > 0xD7))) {
                    end++;
                }
                scans.add(new int[] {i, end});
            }
            i = end;
        }
        return scans;
    }

    /** A progressive JPEG with its smallest scan repeated {@code copies} times after the last one. */
    static byte[] repeatedScans(byte[] progressive, int copies) {
        List<int[]> scans = scans(progressive);
        int[] last = scans.get(scans.size() - 1);
        int[] smallest = scans.stream().min((a, b) -> Integer.compare(a[1] - a[0], b[1] - b[0])).orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(progressive, 0, last[1]);
        for (int c = 0; c < copies; c++) {
            out.write(progressive, smallest[0], smallest[1] - smallest[0]);
        }
        out.write(progressive, last[1], progressive.length - last[1]);
        return out.toByteArray();
    }

    // ---- GIF ----------------------------------------------------------------------------------

    /** Offset of the first image descriptor (0x2C) of a GIF. */
    static int gifImageDescriptor(byte[] gif) {
        int i = 13;
        if ((gif[10] & 0x80) != 0) {
            i += 3 * (1 << ((gif[10] & 0x07) + 1));
        }
        while (i < gif.length) {
            int block = gif[i] & 0xFF;
            if (block == 0x2C) {
                return i;
            }
            if (block != 0x21) {
                break;
            }
            i += 2;
            while (i < gif.length && gif[i] != 0) {
                i += 1 + (gif[i] & 0xFF);
            }
            i++;
        }
        throw new IllegalArgumentException("no image descriptor");
    }

    static byte[] withGifScreen(byte[] gif, int width, int height) {
        byte[] out = gif.clone();
        putLe16(out, 6, width);
        putLe16(out, 8, height);
        return out;
    }

    static byte[] withGifFrame(byte[] gif, int left, int top, int width, int height) {
        byte[] out = gif.clone();
        int d = gifImageDescriptor(out);
        putLe16(out, d + 1, left);
        putLe16(out, d + 3, top);
        putLe16(out, d + 5, width);
        putLe16(out, d + 7, height);
        return out;
    }

    static void putLe16(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >> 8);
    }

    // ---- WebP ---------------------------------------------------------------------------------

    /** Offset of the first RIFF chunk with this FourCC (its header), or -1. */
    static int riffChunk(byte[] webp, String fourCc) {
        int i = 12;
        while (i + 8 <= webp.length) {
            String id = new String(webp, i, 4, StandardCharsets.US_ASCII);
            if (id.equals(fourCc)) {
                return i;
            }
            int size = ByteBuffer.wrap(webp, i + 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
            i += 8 + size + (size & 1);
        }
        return -1;
    }

    static byte[] webp(byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        for (byte[] c : chunks) {
            body.writeBytes(c);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(body.size()).array());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static byte[] riff(String fourCc, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(fourCc.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(data.length).array());
        out.writeBytes(data);
        if ((data.length & 1) == 1) {
            out.write(0);
        }
        return out.toByteArray();
    }

    /** The whole chunk (header, data, padding) starting at {@code at}. */
    static byte[] chunkAt(byte[] webp, int at) {
        int size = ByteBuffer.wrap(webp, at + 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        return java.util.Arrays.copyOfRange(webp, at, at + 8 + size + (size & 1));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A small H.264 MP4 made with JavaCV's recorder (a pan over the Obama photos). */
    static byte[] mp4(int width, int height, double fps, double seconds) {
        return dev.dntme.gateway.support.TestVideos.make(
                dev.dntme.gateway.support.TestVideos.Spec.mp4(width, height, fps, seconds));
    }

    /** An MPEG-4 part 2 MP4: libopenh264 stops below 8K, FFmpeg's own MPEG-4 encoder does not. */
    static byte[] mp4Mpeg4(int width, int height, int frames) {
        return dev.dntme.gateway.support.TestVideos.make(
                dev.dntme.gateway.support.TestVideos.Spec.mp4(width, height, 10, frames / 10.0).withVideoCodec("mpeg4"));
    }
}
