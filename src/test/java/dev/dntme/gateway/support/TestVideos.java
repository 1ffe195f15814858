package dev.dntme.gateway.support;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Video fixtures made on the spot with JavaCV's recorder (not our writer): a camera panning and zooming over the
 * Obama photos, optionally with a 440 Hz tone, upload metadata and a display-matrix rotation.
 */
public final class TestVideos {

    /** What a phone would leave in the container: all of it must be gone from the public copy. */
    public static final Map<String, String> UPLOAD_METADATA = Map.of("title", "Holiday at Grandma's",
            "location", "+48.8577+002.2950/", "creation_time", "2024-05-01T10:00:00.000000Z", "comment", "secret note");

    private TestVideos() {
    }

    /** How a fixture is made. */
    public record Spec(String container, String videoCodec, int width, int height, double fps, double seconds,
            boolean audio, String audioCodec, boolean metadata, int displayRotation) {

        public static Spec mp4(int width, int height, double fps, double seconds) {
            return new Spec("mp4", "libopenh264", width, height, fps, seconds, false, "aac", false, 0);
        }

        public static Spec webm(int width, int height, double fps, double seconds) {
            return new Spec("webm", "libvpx", width, height, fps, seconds, false, "libopus", false, 0);
        }

        public static Spec mov(int width, int height, double fps, double seconds) {
            return new Spec("mov", "libopenh264", width, height, fps, seconds, false, "aac", false, 0);
        }

        public Spec withAudio() {
            return new Spec(container, videoCodec, width, height, fps, seconds, true, audioCodec, metadata, displayRotation);
        }

        public Spec withVideoCodec(String codec) {
            return new Spec(container, codec, width, height, fps, seconds, audio, audioCodec, metadata, displayRotation);
        }

        public Spec withMetadata() {
            return new Spec(container, videoCodec, width, height, fps, seconds, audio, audioCodec, true, displayRotation);
        }

        public Spec rotated(int degrees) {
            return new Spec(container, videoCodec, width, height, fps, seconds, audio, audioCodec, metadata, degrees);
        }

        public int frames() {
            return (int) Math.round(fps * seconds);
        }
    }

    public static byte[] make(Spec spec) {
        List<BufferedImage> photos = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            photos.add(read(TestImages.photo("people/obama/obama-" + i + ".jpg")));
        }
        return make(spec, i -> camera(photos, spec.width(), spec.height(), i, spec.frames()));
    }

    /** A clip of the given frames (each {@code spec.width()} x {@code spec.height()}), as {@link #make(Spec)} writes one. */
    public static byte[] make(Spec spec, java.util.function.IntFunction<BufferedImage> frameAt) {
        Path file = null;
        try {
            file = Files.createTempFile("test-video-", "." + spec.container());
            FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), spec.width(), spec.height(),
                    spec.audio() ? 1 : 0);
            recorder.setFormat(spec.container());
            recorder.setVideoCodecName(spec.videoCodec());
            recorder.setPixelFormat(spec.videoCodec().equals("mjpeg") ? avutil.AV_PIX_FMT_YUVJ420P : avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(spec.fps());
            recorder.setVideoBitrate(1_500_000);
            recorder.setGopSize(30);
            if (spec.audio()) {
                recorder.setAudioCodecName(spec.audioCodec());
                recorder.setSampleRate(48_000);
                recorder.setAudioBitrate(96_000);
                recorder.setAudioChannels(1);
            }
            if (spec.metadata()) {
                recorder.setMetadata(new LinkedHashMap<>(UPLOAD_METADATA));
                recorder.setVideoMetadata(Map.of("handler_name", "Secret Camera Handler"));
            }
            if (spec.displayRotation() != 0) {
                recorder.setDisplayRotation(spec.displayRotation());
            }
            recorder.start();
            try (Java2DFrameConverter converter = new Java2DFrameConverter()) {
                int frames = spec.frames();
                int samplesPerFrame = (int) Math.round(48_000 / spec.fps());
                long sample = 0;
                for (int i = 0; i < frames; i++) {
                    BufferedImage picture = bgr(frameAt.apply(i));
                    Frame frame = converter.convert(picture);
                    recorder.setTimestamp(Math.round(i * 1_000_000 / spec.fps()));
                    recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
                    if (spec.audio()) {
                        short[] tone = new short[samplesPerFrame];
                        for (int s = 0; s < tone.length; s++, sample++) {
                            tone[s] = (short) (8000 * Math.sin(2 * Math.PI * 440 * sample / 48_000.0));
                        }
                        recorder.recordSamples(48_000, 1, ShortBuffer.wrap(tone));
                    }
                }
            }
            recorder.stop();
            recorder.release();
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a temp file
                }
            }
        }
    }

    /** Frame {@code i}: one of the photos, zoomed in slowly and panned left to right. */
    public static BufferedImage camera(List<BufferedImage> photos, int width, int height, int i, int frames) {
        BufferedImage photo = photos.get((i * photos.size() / Math.max(1, frames)) % photos.size());
        double t = frames <= 1 ? 0 : i / (double) (frames - 1);
        double zoom = 1.0 + 0.3 * t;
        double scale = zoom * Math.max(width / (double) photo.getWidth(), height / (double) photo.getHeight());
        int w = (int) Math.ceil(photo.getWidth() * scale);
        int h = (int) Math.ceil(photo.getHeight() * scale);
        int x = (int) Math.round(-(w - width) * t);
        int y = -(h - height) / 2;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(photo, x, y, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static BufferedImage bgr(BufferedImage picture) {
        if (picture.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            return picture;
        }
        BufferedImage out = new BufferedImage(picture.getWidth(), picture.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.drawImage(picture, 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage read(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The codec id FFmpeg gives an encoder's name, for assertions. */
    public static String codecName(int id) {
        return avcodec.avcodec_get_name(id).getString();
    }
}
