package dev.dntme.gateway.imaging.video;

import dev.dntme.gateway.imaging.ImagingProperties;
import dev.dntme.gateway.imaging.media.MediaCodec;

/** The video codec as Spring makes it, for tests and benchmarks outside this package. */
public final class TestVideoCodec {

    private TestVideoCodec() {
    }

    public static MediaCodec of(ImagingProperties properties) {
        return new VideoCodec(properties);
    }
}
