package dev.dntme.gateway.imaging.video;

import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;

/** Time bases shared read-only by every job. */
final class VideoTime {

    static final AVRational MICROS;
    static final AVRational MILLIS;

    static {
        Ffmpeg.load();
        MICROS = avutil.av_make_q(1, 1_000_000);
        MILLIS = avutil.av_make_q(1, 1_000);
    }

    private VideoTime() {
    }
}
