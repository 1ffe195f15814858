package dev.dntme.gateway.imaging.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dntme.gateway.imaging.ImagingProperties;
import dev.dntme.gateway.imaging.ServiceImaging;
import dev.dntme.gateway.imaging.animation.Animations;
import dev.dntme.gateway.system.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** A public copy is checked after it is written, and may be larger than the upload limits allow an upload to be. */
class PublishedHeaderTest {

    @Test
    void aPublishedFileLargerThanTheUploadByteLimitStillReadsBackForItsCheck() {
        byte[] gif = Animations.imageIoGif(Animations.panningFaces(3, 160, 120, false), new int[] {10, 10, 10}, 0);
        MediaCodecs codecs = new MediaCodecs(List.of(Animations.codec()), ServiceImaging.limits(new ImagingProperties(
                DataSize.ofBytes(gif.length - 1), 50_000_000, 20_000, 0.9f, ImagingProperties.Media.defaults())));

        assertThatThrownBy(() -> codecs.probe(gif)).as("as an upload it is over the byte limit")
                .isInstanceOf(ApiException.class);
        assertThat(codecs.publishedHeader(gif).frames()).isEqualTo(3);
    }
}
