package dev.dntme.gateway.cloak.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.CloakedFrames;
import dev.dntme.gateway.cloak.CloakedImage;
import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.attack.CloakOptimizer;
import dev.dntme.gateway.cloak.face.FaceLocator;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A face no cloak can protect (here: a budget far too small for any face, and no repair pass) is obscured and named on
 * the receipt when the setting says so, measured past the bar like a cloak; with {@code hard-faces=reject} the file
 * fails closed, as a still that is not on its last try does.
 */
class HardFacesTest {

    /** A budget no face clears: the smallest cap, one step, one check; no repair pass. */
    private static DjlCloakEngine hopeless(String hardFaces) {
        return FrameCloakTest.readyEngine(Map.of("medium.epsilon", "0.5", "medium.steps", "1", "medium.min-steps", "1",
                "medium.retry-steps", "0", "medium.rounds", "1", "frames.warm-steps", "1", "frames.warm-rounds", "1",
                "frames.repair", "false", "frames.hard-faces", hardFaces, "redetect-on-publish", "false"));
    }

    @Test
    void aFaceNoCloakCanProtectIsObscuredInEveryFrameAndTheReceiptSaysSo() throws Exception {
        DjlCloakEngine engine = hopeless("obscure");
        try {
            List<BufferedImage> frames = FrameCloakTest.pan("people/obama/obama-1.jpg", 3, 0, 2);
            List<BufferedImage> published = new ArrayList<>();

            CloakedFrames cloaked = engine.cloakFrames(FrameCloakTest.source(frames), CloakStrength.MEDIUM, TestPhotos::jpeg90,
                    (i, frame) -> published.add(CloakOptimizer.decode(TestPhotos.jpeg90(frame))), (i, faces, warm, d) -> { });
            ProtectionReceipt receipt = engine.verifyFrames(cloaked, CloakStrength.MEDIUM, FrameCloakTest.source(frames),
                    FrameCloakTest.source(published), (i, faces, warm, d) -> { });

            assertThat(receipt.frames().obscured()).as("faces obscured, one per frame").isEqualTo(3);
            assertThat(receipt.frames().minDistance()).as("no face left that is not obscured").isNull();
            assertThat(receipt.faces()).isNotEmpty().allMatch(ProtectionReceipt.Face::obscured);
            try (FaceLocator locator = new FaceLocator()) {
                for (BufferedImage frame : published) {
                    assertThat(locator.locate(frame)).as("the detector no longer finds the obscured face").isEmpty();
                }
            }

            BufferedImage photo = TestPhotos.read("people/obama/obama-1.jpg");
            assertThatThrownBy(() -> engine.cloak(photo, CloakStrength.MEDIUM, TestPhotos::jpeg90, false))
                    .as("a still's first try fails closed: its fallback level comes next").isInstanceOf(CloakFailedException.class);
            CloakedImage last = engine.cloak(photo, CloakStrength.MEDIUM, TestPhotos::jpeg90, true);
            assertThat(last.receipt().faces()).hasSize(1);
            assertThat(last.receipt().faces().get(0).obscured()).as("the still's last try obscures the face").isTrue();
            try (FaceLocator locator = new FaceLocator()) {
                assertThat(locator.locate(CloakOptimizer.decode(last.encoded()))).isEmpty();
            }
        } finally {
            engine.destroy();
        }
    }

    @Test
    void withHardFacesRejectTheFileFailsClosed() throws Exception {
        DjlCloakEngine engine = hopeless("reject");
        try {
            List<BufferedImage> frames = FrameCloakTest.pan("people/obama/obama-1.jpg", 2, 0, 2);

            assertThatThrownBy(() -> engine.cloakFrames(FrameCloakTest.source(frames), CloakStrength.MEDIUM, TestPhotos::jpeg90,
                    (i, frame) -> { }, (i, faces, warm, d) -> { }))
                    .isInstanceOf(CloakFailedException.class)
                    .hasMessageContaining("frame 0");
        } finally {
            engine.destroy();
        }
    }
}
