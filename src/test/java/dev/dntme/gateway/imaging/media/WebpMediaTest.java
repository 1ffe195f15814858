package dev.dntme.gateway.imaging.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dntme.gateway.imaging.ImagingProperties;
import dev.dntme.gateway.imaging.ServiceImaging;
import dev.dntme.gateway.imaging.animation.Animations;
import dev.dntme.gateway.imaging.animation.WebpAnimations;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The animated WebP codec behind the door every upload goes through: magic bytes, RIFF walk, media limits. */
class WebpMediaTest {

    private final MediaCodecs codecs = new MediaCodecs(List.of(Animations.codec(), WebpAnimations.codec()),
            ServiceImaging.limits(new ImagingProperties(DataSize.ofMegabytes(25), 50_000_000, 20_000, 0.9f,
                    ImagingProperties.Media.defaults())));

    @Test
    void aWebpOf5000TinyFramesIsRefusedOnItsHeadersAsOverTheMediaLimits() {
        byte[] webp = WebpAnimations.tinyFrames(5000, 20);

        long t = System.nanoTime();
        assertThatThrownBy(() -> codecs.probe(webp)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.problem()).isEqualTo(Problem.MEDIA_LIMITS);
            assertThat(e.getMessage()).contains("5000 frames; the limit is 1800");
        });
        assertThat((System.nanoTime() - t) / 1_000_000).as("ms to refuse").isLessThan(500);
    }

    @Test
    void aWebpFrameShownForFourHoursIsOverTheMediaLimits() {
        byte[] webp = WebpAnimations.tinyFrames(2, 0xFFFFFF);

        assertThatThrownBy(() -> codecs.probe(webp)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.MEDIA_LIMITS));
    }

    @Test
    void aSixFrameWebpPassesTheLimitsAndAOneFrameWebpIsLeftToTheStillPath() {
        List<BufferedImage> frames = Animations.panningFaces(6, 64, 48, false);
        int[] delays = {100, 100, 100, 100, 100, 100};

        assertThat(codecs.probe(WebpAnimations.of(frames, delays, 0))).hasValueSatisfying(h -> {
            assertThat(h.format()).isEqualTo(MediaFormat.WEBP);
            assertThat(h.frames()).isEqualTo(6);
            assertThat(h.durationMillis()).isEqualTo(600);
        });
        assertThat(codecs.probe(WebpAnimations.of(frames.subList(0, 1), delays, 0))).isEmpty();
    }

    @Test
    void flaggedWebpsCarryTheDataMiningProhibitedMarkAndUnflaggedOnesDoNot() {
        byte[] webp = WebpAnimations.of(Animations.panningFaces(2, 40, 30, false), new int[] {100, 100}, 0);

        byte[] flagged = publish(webp, true);
        assertThat(ServiceImaging.dataMiningProhibited(flagged)).isTrue();
        assertThat(flagged[20] & 0x04).as("VP8X XMP flag").isNotZero();
        assertThat(ServiceImaging.dataMiningProhibited(publish(webp, false))).isFalse();
        assertThat(codecs.probe(flagged)).isPresent();
    }

    private byte[] publish(byte[] original, boolean mark) {
        MediaHeader header = codecs.probe(original).orElseThrow();
        try (FrameReader reader = codecs.open(original, header); FrameWriter writer = codecs.writer(original, header, mark)) {
            for (MediaFrame f = reader.next(); f != null; f = reader.next()) {
                writer.write(f);
            }
            return writer.finish();
        }
    }
}
