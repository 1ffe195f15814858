package dev.dntme.gateway.imaging.video;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dntme.gateway.imaging.ImageLimits;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.support.TestVideos;
import dev.dntme.gateway.support.TestVideos.Spec;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import org.junit.jupiter.api.Test;

/** The hostile corpus's video seeds say what they claim, at the codec, before the API tests use them. */
class HostileVideoSeedsTest {

    private static final dev.dntme.gateway.imaging.ImagingProperties PROPERTIES = new dev.dntme.gateway.imaging.ImagingProperties(
            org.springframework.util.unit.DataSize.ofMegabytes(25), 50_000_000, 20_000, 0.9f,
            dev.dntme.gateway.imaging.ImagingProperties.Media.defaults());
    private static final VideoCodec CODEC = new VideoCodec(PROPERTIES);

    @Test
    void tenMinutesTwoHundredFortyFpsAndEightKAreRefusedAsMediaLimits() throws Exception {
        var constructor = ImageLimits.class.getDeclaredConstructor(dev.dntme.gateway.imaging.ImagingProperties.class);
        constructor.setAccessible(true);
        ImageLimits limits = constructor.newInstance(PROPERTIES);
        for (byte[] video : new byte[][] {TestVideos.make(Spec.mp4(16, 16, 1, 600)), TestVideos.make(Spec.mp4(64, 48, 240, 0.1)),
            TestVideos.make(Spec.mp4(7680, 4320, 10, 0.2).withVideoCodec("mpeg4"))}) {
            assertThatThrownBy(() -> limits.checkMedia(CODEC.probe(video, MediaFormat.MP4)))
                    .isInstanceOfSatisfying(ApiException.class,
                            e -> org.assertj.core.api.Assertions.assertThat(e.problem()).isEqualTo(Problem.MEDIA_LIMITS));
            org.assertj.core.api.Assertions.assertThat(video.length).isLessThan(2 * 1024 * 1024);
        }
    }
}
