package dev.dntme.gateway.cloak;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** The shared test photos, decoded to RGB as the service does, and the publish encoder (JPEG q90). */
public final class TestPhotos {

    public static final Path FACES = Path.of("src/test/resources/faces");

    private TestPhotos() {}

    public static BufferedImage read(Path file) {
        try {
            BufferedImage raw = ImageIO.read(file.toFile());
            BufferedImage rgb = new BufferedImage(raw.getWidth(), raw.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(raw, 0, 0, null);
            return rgb;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BufferedImage read(String relative) {
        return read(FACES.resolve(relative));
    }

    /** people/<name>/* by person name, files sorted. */
    public static Map<String, List<Path>> people(Path root) {
        Map<String, List<Path>> byPerson = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    byPerson.put(dir.getFileName().toString(), files.filter(TestPhotos::isImage).sorted().toList());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return byPerson;
    }

    public static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase();
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    /** What the service publishes: baseline JPEG, ImageIO quality 0.90. */
    public static byte[] jpeg90(BufferedImage image) {
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            try {
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(0.90f);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                    writer.setOutput(ios);
                    writer.write(null, new IIOImage(image, null, null), param);
                }
                return out.toByteArray();
            } finally {
                writer.dispose();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
