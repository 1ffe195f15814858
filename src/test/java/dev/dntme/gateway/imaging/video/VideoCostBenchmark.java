package dev.dntme.gateway.imaging.video;

import dev.dntme.gateway.imaging.ImagingProperties;
import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import dev.dntme.gateway.support.TestVideos;
import dev.dntme.gateway.support.TestVideos.Spec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;
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
        AVRational rate = avutil.av_d2q(header.framesPerSecond(), 100_000);
        int bitrate = ImagingProperties.Media.defaults().videoBitrate();
        MediaFormat out = format.publicFormat();
        List<MediaFrame> publishedFrames = decodeAll(published, out);
        double freshMs;
        double freshDiff = 0;
        t = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            BufferedImage still = read(freshEncoderStill(frames.get(i * 5).pixels(), out, rate, bitrate));
            freshDiff += centreDifference(still, publishedFrames.get(i * 5).pixels()) / 10;
        }
        freshMs = (System.nanoTime() - t) / 1e6 / 10;
        double stillDiff = 0;
        double sourceDiff = 0;
        try (FrameWriter writer = CODEC.writer(video, header, false)) {
            writer.encodeStill(frames.get(0).pixels());
            t = System.nanoTime();
            List<byte[]> stills = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                stills.add(writer.encodeStill(frames.get(i * 5).pixels()));
            }
            stillMs = (System.nanoTime() - t) / 1e6 / 10;
            for (int i = 0; i < 10; i++) {
                stillDiff += centreDifference(read(stills.get(i)), publishedFrames.get(i * 5).pixels()) / 10;
                sourceDiff += centreDifference(frames.get(i * 5).pixels(), publishedFrames.get(i * 5).pixels()) / 10;
            }
        }
        System.out.printf("%s 1280x720 %d frames (%d bytes in, %d out): probe %.1f ms, decode %.1f ms/frame, "
                + "encode %.1f ms/frame, encodeStill %.1f ms/frame (a fresh encoder + PNG per still: %.1f ms)%n", name,
                frames.size(), video.length, published.length, probeMs, decodeMs, encodeMs, stillMs, freshMs);
        System.out.printf("%s mean |difference| per channel in the face region vs the published file's frame: "
                + "encodeStill %.2f, fresh-encoder still %.2f, the frame before encoding %.2f%n", name, stillDiff,
                freshDiff, sourceDiff);
    }

    private static List<MediaFrame> decodeAll(byte[] video, MediaFormat format) {
        MediaHeader header = CODEC.probe(video, format);
        List<MediaFrame> frames = new ArrayList<>();
        try (FrameReader reader = CODEC.open(video, header)) {
            for (MediaFrame frame = reader.next(); frame != null; frame = reader.next()) {
                frames.add(frame);
            }
        }
        return frames;
    }

    private static BufferedImage read(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The portrait's face sits in the middle of TestVideos' frames: the centre third of width and height. */
    private static double centreDifference(BufferedImage a, BufferedImage b) {
        int w = a.getWidth();
        int h = a.getHeight();
        long sum = 0;
        long n = 0;
        for (int y = h / 3; y < 2 * h / 3; y++) {
            for (int x = w / 3; x < 2 * w / 3; x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF));
                    n++;
                }
            }
        }
        return (double) sum / n;
    }

    /**
     * How encodeStill worked before one encoder stayed open per writer, kept here to measure against: a fresh
     * intra-only encoder and decoder per still, the result as PNG.
     */
    private static byte[] freshEncoderStill(BufferedImage picture, MediaFormat published, AVRational frameRate,
            int bitrate) {
        try (VideoStill still = VideoStill.open(published, picture.getWidth(), picture.getHeight(), frameRate, bitrate)) {
            BufferedImage decoded = read(still.encode(picture));
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(decoded, "png", png);
            return png.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
