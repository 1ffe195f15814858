package dev.dntme.gateway.cloak.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.CloakedFrames;
import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.attack.CloakOptimizer;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faces followed between detections: a later frame keeps its carried cloak when the check says it still protects, and
 * a face that enters between two detections is found by the frame's publish check and cloaked in that frame.
 */
class FrameTrackingTest {

    private static DjlCloakEngine engine;

    @BeforeAll
    static void loadOnce() {
        engine = FrameCloakTest.readyEngine(Map.of("frames.detect-every", "10"));
    }

    @AfterAll
    static void close() {
        engine.destroy();
    }

    @Test
    void laterFramesOfASlowPanMostlyKeepTheirCarriedCloakWithNoSteps() {
        List<BufferedImage> frames = FrameCloakTest.pan("people/obama/obama-1.jpg", 8, 0, 2);
        List<BufferedImage> published = new ArrayList<>();

        CloakedFrames cloaked = engine.cloakFrames(FrameCloakTest.source(frames), CloakStrength.MEDIUM, TestPhotos::jpeg90,
                (i, frame) -> published.add(CloakOptimizer.decode(TestPhotos.jpeg90(frame))), (i, faces, warm, d) -> { });

        assertThat(cloaked.carriedFrames()).as("of 7 later frames, kept with a check alone").isGreaterThanOrEqualTo(3);
        ProtectionReceipt receipt = engine.verifyFrames(cloaked, CloakStrength.MEDIUM, FrameCloakTest.source(frames),
                FrameCloakTest.source(published), (i, faces, warm, d) -> { });
        assertThat(receipt.frames().carried()).isEqualTo(cloaked.carriedFrames());
        assertThat(receipt.frames().minDistance()).as("every published frame's face is past the fail bar").isGreaterThan(0.65);
    }

    @Test
    void aFaceThatEntersBetweenDetectionsIsCloakedFromTheFrameItAppearsIn() {
        List<BufferedImage> pan = FrameCloakTest.pan("people/obama/obama-1.jpg", 5, 0, 2);
        BufferedImage visitor = FrameCloakTest.pan("people/biden/biden-1.jpg", 1, 0).get(0);
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < pan.size(); i++) {
            BufferedImage wide = new BufferedImage(640, 240, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = wide.createGraphics();
            g.drawImage(pan.get(i), 0, 0, null);
            if (i >= 3) { // enters in frame 3, between the detections of frames 0 and 10
                g.drawImage(visitor, 320, 0, null);
            }
            g.dispose();
            frames.add(wide);
        }
        List<BufferedImage> published = new ArrayList<>();

        CloakedFrames cloaked = engine.cloakFrames(FrameCloakTest.source(frames), CloakStrength.MEDIUM, TestPhotos::jpeg90,
                (i, frame) -> published.add(CloakOptimizer.decode(TestPhotos.jpeg90(frame))), (i, faces, warm, d) -> { });

        FrameSequence.Pass pass = (FrameSequence.Pass) cloaked;
        assertThat(pass.targets.get(2)).as("before it enters").hasSize(1);
        assertThat(pass.targets.get(3)).as("the frame it enters").hasSize(2);
        assertThat(pass.targets.get(4)).hasSize(2);
        ProtectionReceipt receipt = engine.verifyFrames(cloaked, CloakStrength.MEDIUM, FrameCloakTest.source(frames),
                FrameCloakTest.source(published), (i, faces, warm, d) -> { });
        assertThat(receipt.frames().minDistance()).isGreaterThan(0.65);
    }
}
