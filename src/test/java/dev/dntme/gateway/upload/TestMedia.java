package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.CloakUnavailableException;
import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaCodec;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaHeader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A test double for the seam the media job depends on but does not own: making the public copy (the real
 * {@link FrameByFrameRenderer} glues codecs and the cloak; the job's own tests script the renderer instead).
 */
final class TestMedia {

    private TestMedia() {
    }

    /** The renderer double and a listener that records what it is told. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Rendering {
        @Bean
        @org.springframework.context.annotation.Primary
        ScriptedRenderer scriptedRenderer() {
            return new ScriptedRenderer();
        }

        @Bean
        RecordingListener recordingListener() {
            return new RecordingListener();
        }
    }

    /** How one upload (by the SHA-256 of its original) is rendered. */
    @FunctionalInterface
    interface Script {
        RenderedMedia render(byte[] original, boolean dntMe, MediaRenderer.FrameProgress progress);
    }

    /**
     * Re-encodes the GIF frame by frame with the JDK's GIF writer (a real new file, every frame and delay kept,
     * metadata dropped), telling the progress after each frame. It cannot cloak, and does not pretend to: a flagged
     * upload gets {@link CloakUnavailableException}. Tests replace the behaviour for their own upload's bytes.
     */
    static final class ScriptedRenderer implements MediaRenderer {
        private final Map<String, Script> scripts = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        void script(byte[] original, Script script) {
            scripts.put(UploadService.sha256(original), script);
        }

        int calls(byte[] original) {
            return calls.getOrDefault(UploadService.sha256(original), new AtomicInteger()).get();
        }

        @Override
        public RenderedMedia render(byte[] original, boolean dntMe, CloakStrength strength, FrameProgress progress) {
            String sha = UploadService.sha256(original);
            calls.computeIfAbsent(sha, k -> new AtomicInteger()).incrementAndGet();
            return scripts.getOrDefault(sha, ScriptedRenderer::reencode).render(original, dntMe, progress);
        }

        static RenderedMedia reencode(byte[] original, boolean dntMe, FrameProgress progress) {
            if (dntMe) {
                throw new CloakUnavailableException("this test renderer has no cloak");
            }
            List<TestGifs.Frame> frames = TestGifs.read(original);
            for (int i = 0; i < frames.size(); i++) {
                progress.framesDone(i + 1, frames.size());
            }
            return new RenderedMedia(TestGifs.write(frames), "image/gif", "gif", frames.size(), 0, null);
        }
    }

    /** Every job end it is told of, and whether a transaction was open when it was told. */
    static final class RecordingListener implements JobEndListener {
        record Told(ImageView image, boolean inTransaction) {}

        final List<Told> told = new CopyOnWriteArrayList<>();
        /** Image ids whose next notification throws (once each). */
        final List<String> failNextFor = new CopyOnWriteArrayList<>();

        @Override
        public void jobEnded(ImageView image) {
            told.add(new Told(image, TransactionSynchronizationManager.isActualTransactionActive()));
            if (failNextFor.remove(image.id())) {
                throw new IllegalStateException("listener failure for the test");
            }
        }

        List<Told> about(String id) {
            return told.stream().filter(t -> t.image().id().equals(id)).toList();
        }
    }
}
