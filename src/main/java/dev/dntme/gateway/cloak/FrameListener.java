package dev.dntme.gateway.cloak;

import java.time.Duration;

/** Told after each frame: progress for the job, per-frame latency for the metrics. */
@FunctionalInterface
public interface FrameListener {

    /**
     * @param faces faces cloaked (cloak pass) or checked (verification) in the frame
     * @param took  the frame's time on the worker (detection, steps, checks)
     */
    void frameDone(int index, int faces, Duration took);
}
