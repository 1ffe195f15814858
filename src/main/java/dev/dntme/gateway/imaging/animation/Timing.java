package dev.dntme.gateway.imaging.animation;

import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaHeader;

/**
 * Frame display times as browsers apply them, summed into a header. Chrome and Firefox show any GIF or APNG frame
 * declared at 10 ms or less (GIF delays 0 and 1 centisecond, APNG delays up to 1/100 s) for 100 ms: ad GIFs declare
 * 0 to flash as fast as possible, and no browser plays them that fast. Duration, frame rate and the per-frame times
 * therefore use the effective time, which is what the limits are about (decoding and cloaking per second of play).
 */
final class Timing {

    static final long FASTEST_SHOWN_MICROS = 10_000;
    static final long SHOWN_INSTEAD_MICROS = 100_000;

    private int frames;
    private long totalMicros;
    private long minMicros = Long.MAX_VALUE;
    private long maxMicros;

    /** What a viewer sees for a declared display time. */
    static long effectiveMicros(long declaredMicros) {
        return declaredMicros <= FASTEST_SHOWN_MICROS ? SHOWN_INSTEAD_MICROS : declaredMicros;
    }

    void add(long effectiveMicros) {
        frames++;
        totalMicros += effectiveMicros;
        minMicros = Math.min(minMicros, effectiveMicros);
        maxMicros = Math.max(maxMicros, effectiveMicros);
    }

    int frames() {
        return frames;
    }

    MediaHeader header(MediaFormat format, int width, int height, int loopCount) {
        double fps = totalMicros == 0 ? 0 : frames * 1_000_000.0 / totalMicros;
        return new MediaHeader(format, width, height, frames, millis(totalMicros), fps,
                frames == 0 ? 0 : millis(minMicros), millis(maxMicros), loopCount, false);
    }

    private static long millis(long micros) {
        return (micros + 500) / 1000;
    }
}
