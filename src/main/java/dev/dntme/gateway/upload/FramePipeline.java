package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.FrameSource;
import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaFrame;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * Decodes frames ahead of the cloak and, where the writer allows it, encodes them behind it, on one I/O thread: the
 * cloak worker's cores then spend their time on the cloak (decoding and encoding a 720p frame cost about as much as a
 * carried frame's check). Reads and writes run in the order they were asked for, one at a time, as the reader and the
 * writer require; a failure on the I/O thread is thrown to the caller at its next call.
 */
final class FramePipeline implements AutoCloseable {

    /** Frames decoded ahead of the cloak: a few 720p frames, not the clip. */
    static final int AHEAD = 3;
    /** Frames waiting to be encoded before the cloak waits for the writer. */
    static final int BEHIND = 4;

    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "frame-io");
        t.setDaemon(true);
        return t;
    });
    private final FrameReader reader;
    private final FrameWriter writer;
    private final boolean writeBehind;
    private final Deque<Future<MediaFrame>> reads = new ArrayDeque<>();
    private final Deque<MediaFrame> handedOut = new ArrayDeque<>();
    private final Deque<Future<?>> writes = new ArrayDeque<>();
    private boolean endOfInput;

    FramePipeline(FrameReader reader, FrameWriter writer) {
        this.reader = reader;
        this.writer = writer;
        this.writeBehind = writer.stillsWhileWriting();
    }

    /** The frames as the cloak reads them, colour only; {@code toRgb} makes a frame's colour pixels. */
    FrameSource source(UnaryOperator<BufferedImage> toRgb) {
        return () -> {
            while (!endOfInput && reads.size() < AHEAD) {
                reads.add(io.submit(reader::next));
            }
            if (reads.isEmpty()) {
                return null;
            }
            MediaFrame frame = await(reads.poll());
            if (frame == null) {
                endOfInput = true;
                reads.forEach(f -> f.cancel(false));
                reads.clear();
                return null;
            }
            handedOut.add(frame);
            return toRgb.apply(frame.pixels());
        };
    }

    /** The frame the cloak read least recently and has not written yet: the one its next write is for. */
    MediaFrame current() {
        return handedOut.peek();
    }

    /** Writes the cloak's pixels for the oldest frame handed out, behind the cloak where the writer allows it. */
    void write(BufferedImage pixels) {
        MediaFrame frame = handedOut.poll().withPixels(pixels);
        if (!writeBehind) {
            writer.write(frame);
            return;
        }
        while (writes.size() >= BEHIND) {
            await(writes.poll());
        }
        writes.add(io.submit(() -> writer.write(frame)));
    }

    /** Waits for every write; the writer may then be finished. */
    void drain() {
        while (!writes.isEmpty()) {
            await(writes.poll());
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding or encoding frames", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Stops the I/O thread once its queued work is done: the reader and writer are closed after it, by their owner. */
    @Override
    public void close() {
        io.shutdownNow();
        try {
            io.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
