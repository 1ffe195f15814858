package dev.dntme.gateway.cloak;

import java.time.Duration;

/** Told after each frame: progress for the job, per-frame latency for the metrics. */
@FunctionalInterface
public interface FrameListener {

    /**
     * @param faces faces cloaked (cloak pass) or checked (verification) in the frame
     * @param warm  the frame's cloak started from the previous frame's and needed no whole budget (cloak pass only)
     * @param took  the frame's time on the worker (detection, steps, checks)
     */
    void frameDone(int index, int faces, boolean warm, Duration took);
}
