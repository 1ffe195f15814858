package dev.dntme.gateway.cloak.nets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LocatedFace;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The port on real photos: aligned chips of people/* separate identities at dlib's 0.6. */
class FaceRecognitionNetIdentityTest {

    @Test
    void everySamePersonPairIsUnderTheThresholdAndEveryDifferentPersonPairOver() {
        Map<String, List<Path>> people = TestPhotos.people(TestPhotos.FACES.resolve("people"));
        List<String> who = new ArrayList<>();
        List<float[]> descriptors = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager();
                FaceRecognitionNet net = FaceRecognitionNet.load(manager, "models/face-api");
                FaceLocator locator = new FaceLocator()) {
            for (Map.Entry<String, List<Path>> person : people.entrySet()) {
                for (Path photo : person.getValue()) {
                    BufferedImage image = TestPhotos.read(photo);
                    List<LocatedFace> faces = locator.locate(image);
                    assertEquals(1, faces.size(), photo + " is a one-person portrait");
                    who.add(person.getKey());
                    descriptors.add(net.describe(FaceAligner.extractChip(image, faces.get(0).chipToImage()))[0]);
                }
            }
        }
        int same = 0;
        int different = 0;
        for (int i = 0; i < who.size(); i++) {
            for (int j = i + 1; j < who.size(); j++) {
                double d = FaceRecognitionNet.distance(descriptors.get(i), descriptors.get(j));
                if (who.get(i).equals(who.get(j))) {
                    same++;
                    assertTrue(d < 0.6, who.get(i) + " #" + i + " vs #" + j + ": " + d);
                } else {
                    different++;
                    assertTrue(d > 0.6, who.get(i) + " vs " + who.get(j) + ": " + d);
                }
            }
        }
        assertEquals(15, who.size());
        assertTrue(same >= 10 && different >= 60, same + " same / " + different + " different pairs");
    }
}
