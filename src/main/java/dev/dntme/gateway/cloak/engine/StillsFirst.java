package dev.dntme.gateway.cloak.engine;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gives flagged stills the cores while an animation or video is being cloaked: before each frame, the clip's worker
 * waits while a still is in flight, but at most {@code maxWait} per frame, so that a stream of stills slows a clip
 * down without stopping it. A person waits for their photo; a clip's job is already a background job.
 */
final class StillsFirst {

    private final Duration maxWait;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition noStills = lock.newCondition();
    private int stills;

    /** @param maxWait the longest a frame waits for stills in flight; zero: frames never wait */
    StillsFirst(Duration maxWait) {
        this.maxWait = maxWait;
    }

    void stillStarted() {
        lock.lock();
        try {
            stills++;
        } finally {
            lock.unlock();
        }
    }

    void stillDone() {
        lock.lock();
        try {
            stills--;
            if (stills == 0) {
                noStills.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Before a frame: waits while a still is in flight, at most {@code maxWait}. */
    void beforeFrame() {
        if (maxWait.isZero()) {
            return;
        }
        lock.lock();
        try {
            long left = maxWait.toNanos();
            while (stills > 0 && left > 0) {
                left = noStills.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    int stillsInFlight() {
        lock.lock();
        try {
            return stills;
        } finally {
            lock.unlock();
        }
    }

}
