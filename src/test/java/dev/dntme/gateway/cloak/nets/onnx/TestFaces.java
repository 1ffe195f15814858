package dev.dntme.gateway.cloak.nets.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LocatedFace;
import dev.dntme.gateway.cloak.nets.surrogates.FivePointCrop;
import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The one-person portraits of src/test/resources/faces/people (a folder per person), located once per test JVM
 * with the project's detector and 68 landmarks, and cropped for each recogniser by its five-point template.
 */
final class TestFaces {

    static final Path PEOPLE = Path.of("src/test/resources/faces/people");

    record Face(String person, BufferedImage image, double[][] fivePoints) {}

    private static List<Face> faces;

    private TestFaces() {}

    static synchronized List<Face> faces() {
        if (faces == null) {
            System.setProperty("ai.djl.offline", "true");
            List<Face> found = new ArrayList<>();
            try (FaceLocator locator = new FaceLocator()) {
                for (Map.Entry<String, List<Path>> person : people().entrySet()) {
                    for (Path photo : person.getValue()) {
                        BufferedImage image = read(photo);
                        List<LocatedFace> located = locator.locate(image);
                        assertEquals(1, located.size(), photo + " is a one-person portrait");
                        found.add(new Face(person.getKey(), image, FivePointCrop.fivePoints(located.get(0).landmarks())));
                    }
                }
            }
            faces = List.copyOf(found);
        }
        return faces;
    }

    /** Each face as the recogniser's RGB 0..255 crop ({@code [3, height, width]} flattened), in {@link #faces()} order. */
    static List<float[]> crops(SurrogateModel spec) {
        List<float[]> crops = new ArrayList<>();
        for (Face f : faces()) {
            crops.add(FivePointCrop.crop(f.image(), spec.cropToImage(f.fivePoints()), spec.width(), spec.height()));
        }
        return crops;
    }

    static List<String> who() {
        return faces().stream().map(Face::person).toList();
    }

    private static Map<String, List<Path>> people() {
        Map<String, List<Path>> people = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(PEOPLE)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    people.put(dir.getFileName().toString(), files.filter(p -> p.toString().matches(".*\\.(jpg|png)")).sorted().toList());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return people;
    }

    private static BufferedImage read(Path file) {
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            if (image == null) {
                throw new IOException("not an image: " + file);
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
