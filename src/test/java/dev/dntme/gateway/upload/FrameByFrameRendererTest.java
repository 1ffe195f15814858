package dev.dntme.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.CloakSettings;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.cloak.Scraper;
import dev.dntme.gateway.cloak.engine.DjlCloakEngine;
import dev.dntme.gateway.imaging.ImagingProperties;
import dev.dntme.gateway.imaging.ServiceImaging;
import dev.dntme.gateway.imaging.animation.Animations;
import dev.dntme.gateway.imaging.media.MediaCodecs;
import dev.dntme.gateway.imaging.media.MediaHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * Animations made from a real portrait go through the renderer with the real codecs and the real engine; the
 * published file is judged by an independent scraper, frame by frame, against the person's other clean photos.
 */
class FrameByFrameRendererTest {

    /** Frame timings only: no catalog behind the queue gauges, which this test never reads. */
    private static final MediaMetrics METRICS = new MediaMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), null);

    private static DjlCloakEngine engine;
    private static MediaCodecs codecs;
    private static Scraper scraper;

    @BeforeAll
    static void loadOnce() throws InterruptedException {
        Map<String, String> settings = CloakSettings.dlibAlone();
        settings.put("intra-op-threads", "2");
        // the default: each frame's check re-detects its faces, as the finished file's check does
        settings.put("redetect-on-publish", "true");
        engine = new DjlCloakEngine(CloakSettings.of(settings));
        ImagingProperties imaging = new ImagingProperties(DataSize.ofMegabytes(25), 50_000_000, 20_000, 0.9f,
                ImagingProperties.Media.defaults());
        codecs = new MediaCodecs(List.of(Animations.codec(), dev.dntme.gateway.imaging.animation.WebpAnimations.codec()),
                ServiceImaging.limits(imaging));
        scraper = new Scraper();
        assertThat(engine.awaitReady(120_000)).isTrue();
    }

    @AfterAll
    static void close() {
        engine.destroy();
        scraper.close();
    }

    @Test
    void aFlaggedGifIsPublishedWithEveryFrameCloakedAndItsTimingKept() {
        byte[] gif = Animations.imageIoGif(Animations.panningFaces(5, 320, 240, false), new int[] {10, 20, 10, 20, 50}, 0);
        List<Integer> progress = new ArrayList<>();

        RenderedMedia published = renderer().render(gif, true, CloakStrength.MEDIUM, (done, total) -> progress.add(done));

        assertThat(published.mediaType()).isEqualTo("image/gif");
        assertThat(published.frames()).isEqualTo(5);
        assertThat(progress).containsExactly(1, 2, 3, 4, 5);
        MediaHeader in = codecs.probe(gif).orElseThrow();
        MediaHeader out = codecs.probe(published.bytes()).orElseThrow();
        assertThat(out.frames()).isEqualTo(5);
        assertThat(out.durationMillis()).isEqualTo(in.durationMillis());
        assertThat(out.loopCount()).isEqualTo(in.loopCount());
        assertThat(published.receipt().frames().withFaces()).isEqualTo(5);
        assertThat(published.receipt().frames().minDistance()).isGreaterThanOrEqualTo(0.65);
        // one face: one entry on the receipt and one check per frame, however often the check measured it
        assertThat(published.receipt().faces()).hasSize(published.faces()).hasSize(1);
        assertThat(published.receipt().frames().facesChecked()).isEqualTo(5);
        assertThat(ServiceImaging.dataMiningProhibited(published.bytes())).isTrue();
        assertThat(unmatchedFrames(published.bytes(), out)).as("frames the scraper no longer links to obama's clean photos")
                .isEqualTo(5);
    }

    @Test
    void aFlaggedAnimatedWebpIsPublishedLossyWithEveryFrameStillProtected() {
        byte[] webp = dev.dntme.gateway.imaging.animation.WebpAnimations.of(Animations.panningFaces(4, 320, 240, false),
                new int[] {100, 100, 100, 100}, 0);

        RenderedMedia published = renderer().render(webp, true, CloakStrength.MEDIUM, (done, total) -> { });

        assertThat(published.mediaType()).isEqualTo("image/webp");
        MediaHeader out = codecs.probe(published.bytes()).orElseThrow();
        assertThat(out.frames()).isEqualTo(4);
        assertThat(published.receipt().frames().minDistance()).isGreaterThanOrEqualTo(0.65);
        assertThat(unmatchedFrames(published.bytes(), out)).isEqualTo(4);
    }

    @Test
    void anUnflaggedAnimationIsReEncodedWithoutItsMetadataAndWithoutACloak() {
        byte[] apng = Animations.apng(Animations.panningFaces(3, 160, 120, true), new int[] {100, 100, 100}, 0);

        RenderedMedia published = renderer().render(apng, false, CloakStrength.MEDIUM, (done, total) -> { });

        assertThat(published.receipt()).isNull();
        assertThat(published.mediaType()).isEqualTo("image/apng");
        assertThat(codecs.probe(published.bytes()).orElseThrow().frames()).isEqualTo(3);
        assertThat(ServiceImaging.dataMiningProhibited(published.bytes())).isFalse();
    }

    @Test
    void withHardFacesRejectAFrameThatCannotBeProtectedFailsTheWholeAnimationClosed() {
        byte[] gif = Animations.imageIoGif(Animations.panningFaces(3, 320, 240, false), new int[] {10, 10, 10}, 0);
        DjlCloakEngine weak = hopeless("reject");
        try {
            assertThatThrownBy(() -> new FrameByFrameRenderer(codecs, weak, METRICS).render(gif, true, CloakStrength.MEDIUM, (d, t) -> { }))
                    .isInstanceOf(CloakFailedException.class);
        } finally {
            weak.destroy();
        }
    }

    @Test
    void aFaceNoCloakCanProtectIsObscuredAndTheAnimationIsStillPublished() {
        byte[] gif = Animations.imageIoGif(Animations.panningFaces(3, 320, 240, false), new int[] {10, 10, 10}, 0);
        DjlCloakEngine weak = hopeless("obscure");
        try {
            RenderedMedia published = new FrameByFrameRenderer(codecs, weak, METRICS).render(gif, true, CloakStrength.MEDIUM,
                    (d, t) -> { });

            assertThat(published.frames()).isEqualTo(3);
            assertThat(published.receipt().frames().obscured()).as("one face obscured in each frame").isEqualTo(3);
            assertThat(published.receipt().faces()).allMatch(ProtectionReceipt.Face::obscured);
            MediaHeader out = codecs.probe(published.bytes()).orElseThrow();
            assertThat(unmatchedFrames(published.bytes(), out)).as("no frame links to the person").isEqualTo(3);
        } finally {
            weak.destroy();
        }
    }

    /** An engine whose MEDIUM budget protects no face (the smallest cap, one step), with no repair pass. */
    private static DjlCloakEngine hopeless(String hardFaces) {
        DjlCloakEngine weak = new DjlCloakEngine(CloakSettings.of("workers", "1", "intra-op-threads", "2", "recognizers", "dlib",
                "redetect-on-publish", "false", "medium.steps", "1", "medium.retry-steps", "0", "medium.rounds", "1",
                "medium.epsilon", "0.5", "medium.min-steps", "1", "frames.warm-steps", "1", "frames.warm-rounds", "1",
                "frames.repair", "false", "frames.hard-faces", hardFaces));
        try {
            assertThat(weak.awaitReady(120_000)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return weak;
    }

    private static FrameByFrameRenderer renderer() {
        return new FrameByFrameRenderer(codecs, engine, METRICS);
    }

    private static int unmatchedFrames(byte[] file, MediaHeader header) {
        List<float[]> clean = scraper.facesOf("people/obama/obama-2.jpg", "people/obama/obama-3.jpg", "people/obama/obama-4.jpg");
        return header.frames() - scraper.linkedFrames(codecs.open(file, header), clean);
    }
}
