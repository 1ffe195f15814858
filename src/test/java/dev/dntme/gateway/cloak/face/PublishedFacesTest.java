package dev.dntme.gateway.cloak.face;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.cloak.TestPhotos;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a scraper could re-find a face on published pixels: the own box re-fit plus both detectors' re-detections. */
class PublishedFacesTest {

    @Test
    void aFaceIsReFoundByItsOwnBoxAndByARedetectionAndAnEmptyAreaByNoDetector() {
        BufferedImage photo = TestPhotos.read("groups/obama_and_biden.jpg");
        try (FaceLocator locator = new FaceLocator(); PublishedFaces redetecting = new PublishedFaces(locator, true);
                PublishedFaces ownBox = new PublishedFaces(locator, false)) {
            List<LocatedFace> faces = locator.locate(photo);
            List<Rectangle2D> boxes = new java.util.ArrayList<>(faces.stream().map(LocatedFace::box).toList());
            boxes.add(new Rectangle2D.Double(0, 0, 40, 40)); // a corner with no face: no detection overlaps it
            List<List<float[]>> all = redetecting.alignments(photo, boxes);
            List<List<float[]>> own = ownBox.alignments(photo, boxes);
            for (int f = 0; f < faces.size(); f++) {
                assertThat(own.get(f)).as("own box, face %d", f).hasSize(1);
                // the own box and at least one detector's re-detection (Tiny's boxes are looser: it may miss the overlap)
                assertThat(all.get(f)).as("re-detected, face %d", f).hasSizeGreaterThanOrEqualTo(2);
            }
            assertThat(all.get(faces.size()).size()).isLessThanOrEqualTo(1);
        }
    }
}
