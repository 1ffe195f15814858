package dev.dntme.gateway.cloak.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.CloakSettings;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.CloakedImage;
import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.attack.CloakOptimizer;
import dev.dntme.gateway.cloak.attack.Ssim;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LocatedFace;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine end to end on real photos, judged on the published JPEG bytes by an independent re-detection. */
class DjlCloakEngineTest {

    private static DjlCloakEngine engine;
    private static NDManager manager;
    private static FaceRecognitionNet net;
    private static FaceLocator locator;

    @BeforeAll
    static void loadOnce() throws InterruptedException {
        CloakProperties d = CloakProperties.defaults();
        engine = new DjlCloakEngine(CloakSettings.of("workers", "1", "intra-op-threads", "2"));
        manager = NDManager.newBaseManager();
        net = FaceRecognitionNet.load(manager, d.modelLocation());
        locator = new FaceLocator();
        assertTrue(engine.awaitReady(120_000), "engine did not become ready");
    }

    @AfterAll
    static void close() {
        engine.destroy();
        locator.close();
        net.close();
        manager.close();
    }

    @Test
    void aPortraitCloakedAtDefaultStrengthIsNoLongerMatchedToThePersonsCleanPhotos() {
        BufferedImage original = TestPhotos.read("people/obama/obama-1.jpg");
        CloakedImage cloaked = engine.cloak(original, CloakStrength.MEDIUM, TestPhotos::jpeg90);

        BufferedImage published = CloakOptimizer.decode(cloaked.encoded());
        List<LocatedFace> found = locator.locate(published);
        assertEquals(1, found.size(), "the recogniser still finds the face: the cloak hides who, not that");
        float[] publishedFace = describe(published, found.get(0));
        for (String clean : List.of("obama-1.jpg", "obama-2.jpg", "obama-3.jpg", "obama-4.jpg")) {
            BufferedImage other = TestPhotos.read("people/obama/" + clean);
            double d = FaceRecognitionNet.distance(publishedFace, describe(other, locator.locate(other).get(0)));
            assertTrue(d > 0.6, "published obama-1 vs clean " + clean + ": " + d);
        }
        Rectangle box = found.get(0).box().getBounds();
        double ssim = Ssim.of(original, published, box);
        assertTrue(ssim >= 0.95, "face-region SSIM " + ssim);

        ProtectionReceipt receipt = cloaked.receipt();
        assertEquals("MEDIUM", receipt.strength());
        assertEquals(DjlCloakEngine.MODEL_VERSION, receipt.modelVersion());
        assertEquals(1, receipt.faces().size());
        assertTrue(receipt.faces().get(0).embeddingDistance() > 0.65, receipt.toString());
        assertTrue(receipt.faces().get(0).ssim() >= 0.95, receipt.toString());
    }

    @Test
    void aGroupPhotoHasEveryFaceCloaked() {
        BufferedImage original = TestPhotos.read("groups/obama_and_biden.jpg");
        List<LocatedFace> before = locator.locate(original);
        assertEquals(2, before.size());
        CloakedImage cloaked = engine.cloak(original, CloakStrength.MEDIUM, TestPhotos::jpeg90);
        assertEquals(2, cloaked.receipt().faces().size());

        BufferedImage published = CloakOptimizer.decode(cloaked.encoded());
        List<LocatedFace> after = locator.locate(published);
        assertEquals(2, after.size());
        for (LocatedFace clean : before) {
            LocatedFace pub = after.stream()
                    .filter(f -> f.box().intersects(clean.box()))
                    .findFirst().orElseThrow(() -> new AssertionError("face at " + clean.box() + " not found after publishing"));
            double d = FaceRecognitionNet.distance(describe(original, clean), describe(published, pub));
            assertTrue(d > 0.6, "face at " + clean.box().getBounds() + " still matches its original: " + d);
        }
        cloaked.receipt().faces().forEach(f -> assertTrue(f.embeddingDistance() > 0.65, f.toString()));
    }

    @Test
    void aPhotoWithoutAFaceIsPublishedAsItIsWithNoFacesInTheReceipt() {
        BufferedImage landscape = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = landscape.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(40, 90, 200), 320, 200, new Color(220, 200, 120)));
        g.fillRect(0, 0, 320, 200);
        g.dispose();
        CloakedImage result = engine.cloak(landscape, CloakStrength.MEDIUM, TestPhotos::jpeg90);
        assertEquals(0, result.receipt().faces().size());
        assertArrayEquals(TestPhotos.jpeg90(landscape), result.encoded());
    }

    @Test
    void theModelVersionNamesTheWeightsAndTheCloakAlgorithm() {
        // v2 (issue 13): the publish check also measures each face where the SSD and Tiny detectors re-find it
        assertEquals("faceapi-1.7.15+pgd-v2", engine.modelVersion(CloakStrength.MEDIUM));
        assertTrue(engine.modelVersion(CloakStrength.HIGH).startsWith("set-"), engine.modelVersion(CloakStrength.HIGH));
        assertTrue(engine.isReady());
    }

    private static float[] describe(BufferedImage image, LocatedFace face) {
        return net.describe(FaceAligner.extractChip(image, face.chipToImage()))[0];
    }
}
