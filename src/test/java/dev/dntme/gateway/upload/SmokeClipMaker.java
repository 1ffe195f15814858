package dev.dntme.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.support.TestVideos;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Makes ops/container/smoke-clip.mp4, the clip the container smoke test uploads (it runs outside Maven, so the clip
 * is committed). Not part of the suite: run it on purpose, {@code mvn -B -o test -Dtest=SmokeClipMaker}.
 */
class SmokeClipMaker {

    static final Path CLIP = Path.of("ops/container/smoke-clip.mp4");

    @Test
    void writesTheSmokeTestsClipFromAPortrait() throws Exception {
        List<BufferedImage> frames = MediaScenes.panAndZoom("people/obama/obama-2.jpg", 12, 320, 240, 1.4);
        byte[] clip = TestVideos.make(TestVideos.Spec.mp4(320, 240, 12, 1.0), frames::get);
        Files.write(CLIP, clip);
        assertThat(clip.length).isBetween(1_000, 200_000);
        System.out.println("wrote " + CLIP + ": " + clip.length + " bytes");
    }
}
