package dev.dntme.gateway.imaging.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.dntme.gateway.imaging.ImagingProperties;
import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import dev.dntme.gateway.support.TestVideos;
import dev.dntme.gateway.support.TestVideos.Spec;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VideoCodecTest {

    private static final VideoCodec CODEC = new VideoCodec(new ImagingProperties(
            org.springframework.util.unit.DataSize.ofMegabytes(25), 50_000_000, 20_000, 0.9f,
            ImagingProperties.Media.defaults()));

    private static byte[] mp4WithAudio;

    @BeforeAll
    static void makeClip() {
        mp4WithAudio = TestVideos.make(Spec.mp4(640, 360, 30, 2).withAudio().withMetadata());
    }

    @Test
    void probeReadsSizeRateDurationFramesAndAudioFromTheHeadersAlone() {
        long start = System.nanoTime();
        MediaHeader header = CODEC.probe(mp4WithAudio, MediaFormat.MP4);
        long micros = (System.nanoTime() - start) / 1000;

        assertThat(header.format()).isEqualTo(MediaFormat.MP4);
        assertThat(header.width()).isEqualTo(640);
        assertThat(header.height()).isEqualTo(360);
        assertThat(header.frames()).isEqualTo(60);
        assertThat(header.framesPerSecond()).isCloseTo(30, within(0.01));
        assertThat(header.durationMillis()).isCloseTo(2000, within(40L));
        assertThat(header.audio()).isTrue();
        assertThat(header.loopCount()).isEqualTo(1);
        System.out.printf("probe of a 2 s 640x360 MP4: %.1f ms (first call, natives warm)%n", micros / 1000.0);
    }

    @Test
    void aRoundTripKeepsFramesRateDurationAndCopiesTheAudioBitExact() {
        MediaHeader header = CODEC.probe(mp4WithAudio, MediaFormat.MP4);
        byte[] published = roundTrip(mp4WithAudio, header);

        assertThat(Arrays.copyOfRange(published, 4, 8)).asString(StandardCharsets.ISO_8859_1).isEqualTo("ftyp");
        MediaHeader out = CODEC.probe(published, MediaFormat.MP4);
        assertThat(out.width()).isEqualTo(640);
        assertThat(out.height()).isEqualTo(360);
        assertThat(out.frames()).isCloseTo(60, within(1));
        assertThat(out.framesPerSecond()).isCloseTo(30, within(0.01));
        assertThat(out.durationMillis()).isCloseTo(header.durationMillis(), within(40L));
        assertThat(out.audio()).isTrue();
        assertThat(audioHashes(published, MediaFormat.MP4)).isEqualTo(audioHashes(mp4WithAudio, MediaFormat.MP4))
                .isNotEmpty();
        assertThat(codecOfVideo(published, MediaFormat.MP4)).isEqualTo("h264");
    }

    @Test
    void thePublishedCopyHoldsNoneOfTheUploadsMetadata() {
        MediaHeader header = CODEC.probe(mp4WithAudio, MediaFormat.MP4);
        assertThat(metadata(mp4WithAudio, MediaFormat.MP4)).contains("Holiday at Grandma's");
        byte[] published = roundTrip(mp4WithAudio, header);

        String tags = metadata(published, MediaFormat.MP4);
        for (String value : TestVideos.UPLOAD_METADATA.values()) {
            assertThat(tags).doesNotContain(value);
        }
        assertThat(tags).doesNotContain("title", "location", "creation_time", "comment", "encoder", "Secret Camera");
        String raw = new String(published, StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain("Holiday", "48.8577", "secret note", "Secret Camera", "Lavf", "2024-05-01");
    }

    @Test
    void framesComeUprightWithMicrosecondTimestamps() {
        byte[] plain = TestVideos.make(Spec.mp4(320, 180, 10, 0.5));
        byte[] rotated = TestVideos.make(Spec.mp4(320, 180, 10, 0.5).rotated(90));
        MediaHeader header = CODEC.probe(rotated, MediaFormat.MP4);
        assertThat(header.width()).isEqualTo(180);
        assertThat(header.height()).isEqualTo(320);

        List<MediaFrame> upright = decodeAll(rotated, header);
        List<MediaFrame> lying = decodeAll(plain, CODEC.probe(plain, MediaFormat.MP4));
        assertThat(upright).hasSize(5);
        assertThat(upright.get(1).timestampMicros()).isEqualTo(100_000);
        assertThat(upright.get(1).durationMicros()).isEqualTo(100_000);
        BufferedImage first = upright.get(0).pixels();
        assertThat(first.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(first.getWidth()).isEqualTo(180);
        // FFmpeg's display matrix turns counter-clockwise: 90 degrees of it is a quarter turn to the left
        double left = difference(first, Rotation.turn(lying.get(0).pixels(), 270));
        double right = difference(first, Rotation.turn(lying.get(0).pixels(), 90));
        assertThat(left).isLessThan(right / 3);
    }

    @Test
    void aFileCutBeforeItsIndexIsACorruptImage() {
        byte[] cut = Arrays.copyOf(mp4WithAudio, mp4WithAudio.length / 2);
        assertThatThrownBy(() -> CODEC.probe(cut, MediaFormat.MP4)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.CORRUPT_IMAGE));
    }

    @Test
    void aFileCutAfterItsIndexEndsCleanlyOrIsACorruptImage() {
        MediaHeader header = CODEC.probe(mp4WithAudio, MediaFormat.MP4);
        byte[] faststart = roundTrip(mp4WithAudio, header);
        byte[] cut = Arrays.copyOf(faststart, faststart.length * 2 / 3);
        MediaHeader cutHeader = CODEC.probe(cut, MediaFormat.MP4);
        try (FrameReader reader = CODEC.open(cut, cutHeader)) {
            int frames = 0;
            while (reader.next() != null) {
                frames++;
            }
            assertThat(frames).isLessThan(60);
        } catch (ApiException e) {
            assertThat(e.problem()).isEqualTo(Problem.CORRUPT_IMAGE);
        }
    }

    @Test
    void moreFramesThanTheHeaderDeclaredIsACorruptImage() {
        MediaHeader header = CODEC.probe(mp4WithAudio, MediaFormat.MP4);
        MediaHeader lying = new MediaHeader(header.format(), header.width(), header.height(), 10, 333, 30, 33, 33, 1, true);
        assertThatThrownBy(() -> decodeAll(mp4WithAudio, lying)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.CORRUPT_IMAGE));
    }

    @Test
    void aMovIsPublishedAsMp4() {
        byte[] mov = TestVideos.make(Spec.mov(320, 240, 25, 1).withAudio());
        MediaHeader header = CODEC.probe(mov, MediaFormat.MOV);
        assertThat(header.frames()).isEqualTo(25);
        byte[] published = roundTrip(mov, header);

        assertThat(new String(published, 8, 4, StandardCharsets.ISO_8859_1)).isNotEqualTo("qt  ");
        MediaHeader out = CODEC.probe(published, MediaFormat.MP4);
        assertThat(out.frames()).isCloseTo(25, within(1));
        assertThat(audioHashes(published, MediaFormat.MP4)).isEqualTo(audioHashes(mov, MediaFormat.MOV));
    }

    @Test
    void aWebmIsPublishedAsVp9WebmWithItsOpusCopied() {
        byte[] webm = TestVideos.make(Spec.webm(320, 240, 25, 1).withAudio().withMetadata());
        MediaHeader header = CODEC.probe(webm, MediaFormat.WEBM);
        assertThat(header.frames()).isCloseTo(25, within(1));
        assertThat(header.audio()).isTrue();
        byte[] published = roundTrip(webm, header);

        MediaHeader out = CODEC.probe(published, MediaFormat.WEBM);
        assertThat(out.frames()).isCloseTo(header.frames(), within(1));
        assertThat(out.durationMillis()).isCloseTo(header.durationMillis(), within(60L));
        assertThat(codecOfVideo(published, MediaFormat.WEBM)).isEqualTo("vp9");
        assertThat(audioHashes(published, MediaFormat.WEBM)).isEqualTo(audioHashes(webm, MediaFormat.WEBM));
        // Matroska requires a muxing-app element: bit-exact mode writes a bare "Lavf", no version
        assertThat(new String(published, StandardCharsets.ISO_8859_1)).doesNotContain("Holiday", "Lavf6", "secret note");
        assertThat(metadata(published, MediaFormat.WEBM)).doesNotContain("Holiday", "title", "comment", "ENCODER");
    }

    @Test
    void aWebmMagicOnAnMp4IsACorruptImage() {
        assertThatThrownBy(() -> CODEC.probe(mp4WithAudio, MediaFormat.WEBM)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.CORRUPT_IMAGE));
    }

    @Test
    void audioThePublishedContainerCannotCarryUnchangedIsRefusedFromTheHeadersBeforeAnythingIsStored() {
        byte[] pcm = TestVideos.make(new Spec("mov", "libopenh264", 160, 120, 10, 0.5, true, "pcm_s16le", false, 0));
        assertThatThrownBy(() -> CODEC.probe(pcm, MediaFormat.MOV)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.UNSUPPORTED_MEDIA_TYPE));
    }

    @Test
    void aVideoCodecOutsideTheListIsUnsupported() {
        byte[] mjpeg = TestVideos.make(new Spec("mov", "mjpeg", 160, 120, 10, 0.3, false, "aac", false, 0));
        assertThatThrownBy(() -> CODEC.probe(mjpeg, MediaFormat.MOV)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.UNSUPPORTED_MEDIA_TYPE));
    }

    @Test
    void theStillOfAFrameIsThePictureThroughTheSameEncoderAsBmp() throws Exception {
        MediaHeader header = CODEC.probe(mp4WithAudio, MediaFormat.MP4);
        MediaFrame frame = decodeAll(mp4WithAudio, header).get(10);
        try (FrameWriter writer = CODEC.writer(mp4WithAudio, header, false)) {
            byte[] still = writer.encodeStill(frame.pixels());
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(still));
            assertThat(decoded.getWidth()).isEqualTo(640);
            assertThat(difference(decoded, frame.pixels())).isGreaterThan(0).isLessThan(6);
        }
    }

    @Test
    void aHundredProbesLeaveNoNativeMemoryBehind() {
        for (int i = 0; i < 10; i++) {
            CODEC.probe(mp4WithAudio, MediaFormat.MP4);
        }
        long before = Pointer.physicalBytes();
        for (int i = 0; i < 100; i++) {
            CODEC.probe(mp4WithAudio, MediaFormat.MP4);
        }
        System.gc();
        long grown = Pointer.physicalBytes() - before;
        assertThat(grown).isLessThan(40L << 20);
    }

    // ---- helpers ----

    static byte[] roundTrip(byte[] video, MediaHeader header) {
        try (FrameReader reader = CODEC.open(video, header); FrameWriter writer = CODEC.writer(video, header, false)) {
            MediaFrame frame;
            while ((frame = reader.next()) != null) {
                writer.write(frame);
            }
            return writer.finish();
        }
    }

    static List<MediaFrame> decodeAll(byte[] video, MediaHeader header) {
        List<MediaFrame> frames = new ArrayList<>();
        try (FrameReader reader = CODEC.open(video, header)) {
            MediaFrame frame;
            while ((frame = reader.next()) != null) {
                frames.add(frame);
            }
        }
        return frames;
    }

    static double difference(BufferedImage a, BufferedImage b) {
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    static List<String> audioHashes(byte[] video, MediaFormat format) {
        List<String> hashes = new ArrayList<>();
        try (Demuxer demuxer = Demuxer.open(video, format)) {
            AVPacket packet = avcodec.av_packet_alloc();
            try {
                while (avformat.av_read_frame(demuxer.context(), packet) >= 0) {
                    if (demuxer.audio() != null && packet.stream_index() == demuxer.audio().index()) {
                        byte[] payload = new byte[packet.size()];
                        packet.data().get(payload);
                        hashes.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload)));
                    }
                    avcodec.av_packet_unref(packet);
                }
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            } finally {
                avcodec.av_packet_free(packet);
            }
        }
        return hashes;
    }

    static String codecOfVideo(byte[] video, MediaFormat format) {
        try (Demuxer demuxer = Demuxer.open(video, format)) {
            return avcodec.avcodec_get_name(demuxer.video().codecpar().codec_id()).getString();
        }
    }

    /** Every container and stream tag FFmpeg reads, as key=value lines. */
    static String metadata(byte[] video, MediaFormat format) {
        StringBuilder all = new StringBuilder();
        try (Demuxer demuxer = Demuxer.open(video, format)) {
            append(all, demuxer.context().metadata());
            for (int i = 0; i < demuxer.context().nb_streams(); i++) {
                append(all, demuxer.context().streams(i).metadata());
            }
        }
        return all.toString();
    }

    private static void append(StringBuilder all, AVDictionary dictionary) {
        AVDictionaryEntry entry = null;
        while ((entry = avutil.av_dict_get(dictionary, "", entry, avutil.AV_DICT_IGNORE_SUFFIX)) != null) {
            all.append(entry.key().getString()).append('=').append(entry.value().getString()).append('\n');
        }
    }
}
