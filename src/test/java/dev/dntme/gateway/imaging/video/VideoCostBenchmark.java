package dev.dntme.gateway.imaging.video;

import dev.dntme.gateway.imaging.ImagingProperties;
import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import dev.dntme.gateway.support.TestVideos;
import dev.dntme.gateway.support.TestVideos.Spec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the video path costs per 720p frame on this machine ({@code mvn -Pbenchmark test -Dtest=VideoCostBenchmark}). */
@Tag("benchmark")
class VideoCostBenchmark {

    private static final VideoCodec CODEC = new VideoCodec(new ImagingProperties(
            org.springframework.util.unit.DataSize.ofMegabytes(25), 50_000_000, 20_000, 0.9f,
            ImagingProperties.Media.defaults()));

    @Test
    void costsPer720pFrame() {
        measure("MP4 H.264", TestVideos.make(Spec.mp4(1280, 720, 30, 2).withAudio()), MediaFormat.MP4);
        measure("WebM VP9", TestVideos.make(Spec.webm(1280, 720, 30, 2).withAudio()), MediaFormat.WEBM);
    }

    private static void measure(String name, byte[] video, MediaFormat format) {
        for (int i = 0; i < 5; i++) {
            CODEC.probe(video, format);
        }
        long t = System.nanoTime();
        int probes = 20;
        MediaHeader header = null;
        for (int i = 0; i < probes; i++) {
            header = CODEC.probe(video, format);
        }
        double probeMs = (System.nanoTime() - t) / 1e6 / probes;
        List<MediaFrame> frames = new ArrayList<>();
        t = System.nanoTime();
        try (FrameReader reader = CODEC.open(video, header)) {
            MediaFrame frame;
            while ((frame = reader.next()) != null) {
                frames.add(frame);
            }
        }
        double decodeMs = (System.nanoTime() - t) / 1e6 / frames.size();
        byte[] published;
        double stillMs;
        t = System.nanoTime();
        try (FrameWriter writer = CODEC.writer(video, header, false)) {
            for (MediaFrame frame : frames) {
                writer.write(frame);
            }
            published = writer.finish();
        }
        double encodeMs = (System.nanoTime() - t) / 1e6 / frames.size();
        try (FrameWriter writer = CODEC.writer(video, header, false)) {
            writer.encodeStill(frames.get(0).pixels());
            t = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                writer.encodeStill(frames.get(i * 5).pixels());
            }
            stillMs = (System.nanoTime() - t) / 1e6 / 10;
        }
        System.out.printf("%s 1280x720 %d frames (%d bytes in, %d out): probe %.1f ms, decode %.1f ms/frame, "
                + "encode %.1f ms/frame, encodeStill %.1f ms/frame%n", name, frames.size(), video.length, published.length,
                probeMs, decodeMs, encodeMs, stillMs);
    }
}
