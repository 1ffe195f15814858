package dev.dntme.gateway.cloak.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A clip's frame waits for the stills in flight, but never longer than its bound, and goes on as soon as they are done. */
class StillsFirstTest {

    @Test
    void aFrameWaitsForAStillInFlightAndGoesOnWhenItIsDone() throws Exception {
        StillsFirst stillsFirst = new StillsFirst(Duration.ofSeconds(30));
        stillsFirst.stillStarted();
        CompletableFuture<Void> frame = CompletableFuture.runAsync(stillsFirst::beforeFrame);

        Thread.sleep(200);
        assertThat(frame).as("the frame waits while the still is cloaked").isNotDone();
        stillsFirst.stillDone();
        frame.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStreamOfStillsSlowsAFrameByAtMostItsBound() throws Exception {
        StillsFirst stillsFirst = new StillsFirst(Duration.ofMillis(100));
        stillsFirst.stillStarted();

        CompletableFuture.runAsync(stillsFirst::beforeFrame).get(10, TimeUnit.SECONDS);
        assertThat(stillsFirst.stillsInFlight()).as("the still still runs; the frame went on anyway").isEqualTo(1);
    }

    @Test
    void withTheBoundZeroFramesNeverWait() throws Exception {
        StillsFirst stillsFirst = new StillsFirst(Duration.ZERO);
        stillsFirst.stillStarted();

        CompletableFuture.runAsync(stillsFirst::beforeFrame).get(10, TimeUnit.SECONDS);
    }
}
