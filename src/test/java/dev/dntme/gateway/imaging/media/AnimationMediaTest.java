package dev.dntme.gateway.imaging.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dntme.gateway.imaging.ImagingProperties;
import dev.dntme.gateway.imaging.ServiceImaging;
import dev.dntme.gateway.imaging.animation.Animations;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The animation codec behind the door every upload goes through: magic bytes, header walk, media limits. */
class AnimationMediaTest {

    private final MediaCodecs codecs = new MediaCodecs(List.of(Animations.codec()), ServiceImaging.limits(
            new ImagingProperties(DataSize.ofMegabytes(25), 50_000_000, 20_000, 0.9f, ImagingProperties.Media.defaults())));

    @Test
    void aGifOf5000TinyFramesIsRefusedOnItsHeadersAsOverTheMediaLimits() {
        byte[] gif = Animations.tinyFrameGif(5000, 2);

        assertThatThrownBy(() -> codecs.probe(gif)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.problem()).isEqualTo(Problem.MEDIA_LIMITS);
            assertThat(e.getMessage()).contains("5000 frames; the limit is 1800");
        });
    }

    @Test
    void aGifFrameShownFor655SecondsIsOverTheMediaLimits() {
        byte[] gif = Animations.tinyFrameGif(2, 65535);

        assertThatThrownBy(() -> codecs.probe(gif)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.MEDIA_LIMITS));
    }

    @Test
    void aSixFrameGifAndApngPassTheLimitsAndAStillIsLeftToTheStillPath() {
        List<BufferedImage> frames = Animations.panningFaces(6, 64, 48, false);
        int[] delays = {10, 10, 10, 10, 10, 10};

        assertThat(codecs.probe(Animations.imageIoGif(frames, delays, 0))).hasValueSatisfying(h -> {
            assertThat(h.format()).isEqualTo(MediaFormat.GIF);
            assertThat(h.frames()).isEqualTo(6);
        });
        assertThat(codecs.probe(Animations.apng(frames, new int[] {100, 100, 100, 100, 100, 100}, 0)))
                .hasValueSatisfying(h -> assertThat(h.format()).isEqualTo(MediaFormat.APNG));
        assertThat(codecs.probe(Animations.imageIoGif(frames.subList(0, 1), delays, 0))).isEmpty();
    }

    @Test
    void flaggedAnimationsCarryTheDataMiningProhibitedMarkAndUnflaggedOnesDoNot() {
        List<BufferedImage> frames = Animations.panningFaces(2, 40, 30, false);
        byte[] gif = Animations.imageIoGif(frames, new int[] {10, 10}, 0);
        byte[] apng = Animations.apng(frames, new int[] {100, 100}, 0);

        for (byte[] original : List.of(gif, apng)) {
            assertThat(ServiceImaging.dataMiningProhibited(publish(original, true))).isTrue();
            assertThat(ServiceImaging.dataMiningProhibited(publish(original, false))).isFalse();
            assertThat(codecs.probe(publish(original, true))).isPresent();
        }
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
