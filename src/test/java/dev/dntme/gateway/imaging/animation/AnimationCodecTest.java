package dev.dntme.gateway.imaging.animation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dntme.gateway.imaging.media.FrameReader;
import dev.dntme.gateway.imaging.media.FrameWriter;
import dev.dntme.gateway.imaging.media.MediaFormat;
import dev.dntme.gateway.imaging.media.MediaFrame;
import dev.dntme.gateway.imaging.media.MediaHeader;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnimationCodecTest {

    private static final int[] GIF_DELAYS_CS = {7, 12, 20, 40, 50, 3};
    private static final int[] APNG_DELAYS_MS = {70, 125, 200, 400, 500, 33};

    private final AnimationCodec codec = new AnimationCodec();

    @Test
    void aSixFrameGifKeepsEveryFrameItsDelaysAndItsLoopCount() {
        byte[] gif = Animations.imageIoGif(Animations.panningFaces(6, 96, 80, false), GIF_DELAYS_CS, 3);

        MediaHeader header = codec.probe(gif, MediaFormat.GIF);
        assertThat(header).isEqualTo(new MediaHeader(MediaFormat.GIF, 96, 80, 6, 1320, 6 * 1_000_000.0 / 1_320_000, 30, 500, 4, false));
        List<MediaFrame> original = decodeAll(gif, header);
        byte[] copy = rewrite(gif, header, original);

        MediaHeader copied = codec.probe(copy, MediaFormat.GIF);
        assertThat(copied).isEqualTo(header);
        List<MediaFrame> decoded = decodeAll(copy, copied);
        assertThat(decoded).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(decoded.get(i).durationMicros()).isEqualTo(GIF_DELAYS_CS[i] * 10_000L);
            assertThat(decoded.get(i).pixels().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            // ImageIO's frames have at most 256 colours each: the per-frame palette keeps them exactly.
            assertThat(argb(decoded.get(i).pixels())).as("frame %d", i).isEqualTo(argb(original.get(i).pixels()));
        }
    }

    @Test
    void aSixFrameApngKeepsEveryFrameItsDelaysItsPlayCountAndItsTransparency() {
        List<BufferedImage> frames = Animations.panningFaces(6, 96, 80, true);
        byte[] apng = Animations.apng(frames, APNG_DELAYS_MS, 2);

        MediaHeader header = codec.probe(apng, MediaFormat.APNG);
        assertThat(header).isEqualTo(new MediaHeader(MediaFormat.APNG, 96, 80, 6, 1328, 6 * 1_000_000.0 / 1_328_000, 33, 500, 2, false));
        List<MediaFrame> original = decodeAll(apng, header);
        for (int i = 0; i < 6; i++) {
            assertThat(original.get(i).pixels().getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
            assertThat(argb(original.get(i).pixels())).isEqualTo(argb(frames.get(i)));
        }
        byte[] copy = rewrite(apng, header, original);

        assertThat(codec.probe(copy, MediaFormat.APNG)).isEqualTo(header);
        List<MediaFrame> decoded = decodeAll(copy, header);
        for (int i = 0; i < 6; i++) {
            assertThat(decoded.get(i).durationMicros()).isEqualTo(APNG_DELAYS_MS[i] * 1000L);
            assertThat(argb(decoded.get(i).pixels())).as("frame %d", i).isEqualTo(argb(frames.get(i)));
        }
    }

    @Test
    void everyFrameOfAPublishedGifDecodesExactlyAsItsEncodedStill() {
        // Photo frames: thousands of colours each, so the quantiser really works, and a transparent corner.
        List<BufferedImage> frames = Animations.panningFaces(4, 120, 100, true);
        MediaHeader header = new MediaHeader(MediaFormat.GIF, 120, 100, 4, 400, 10, 100, 100, 0, false);
        FrameWriter writer = new GifFrameWriter(header, true, false);
        List<byte[]> stills = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            stills.add(writer.encodeStill(frames.get(i)));
            writer.write(new MediaFrame(i, frames.get(i), i * 100_000L, 100_000));
        }
        byte[] gif = writer.finish();

        MediaHeader probed = codec.probe(gif, MediaFormat.GIF);
        assertThat(probed).isEqualTo(header);
        List<MediaFrame> decoded = decodeAll(gif, probed);
        for (int i = 0; i < frames.size(); i++) {
            BufferedImage still = Animations.read(stills.get(i));
            assertThat(decoded.get(i).pixels().getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
            assertThat(argb(decoded.get(i).pixels())).as("frame %d", i).isEqualTo(argb(still));
            assertThat(decoded.get(i).pixels().getRGB(0, 0) >>> 24).isZero();
            assertThat(decoded.get(i).pixels().getRGB(119, 99) >>> 24).isEqualTo(255);
        }
        // Stills are deterministic: the cloak may encode a frame many times and always measure the same bytes.
        assertThat(writer.encodeStill(frames.get(0))).isEqualTo(stills.get(0));
    }

    @Test
    void everyFrameOfAPublishedApngDecodesExactlyAsItsEncodedStill() {
        List<BufferedImage> frames = Animations.panningFaces(4, 120, 100, false);
        MediaHeader header = new MediaHeader(MediaFormat.APNG, 120, 100, 4, 400, 10, 100, 100, 0, false);
        FrameWriter writer = new ApngFrameWriter(header, false, false);
        List<byte[]> stills = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            stills.add(writer.encodeStill(frames.get(i)));
            writer.write(new MediaFrame(i, frames.get(i), i * 100_000L, 100_000));
        }
        byte[] apng = writer.finish();

        List<MediaFrame> decoded = decodeAll(apng, codec.probe(apng, MediaFormat.APNG));
        assertThat(decoded).hasSize(4);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(argb(decoded.get(i).pixels())).as("frame %d", i).isEqualTo(argb(Animations.read(stills.get(i))));
            assertThat(argb(decoded.get(i).pixels())).isEqualTo(argb(frames.get(i)));
        }
        // Viewers without APNG support show the first frame.
        assertThat(argb(Animations.read(apng))).isEqualTo(argb(frames.get(0)));
    }

    @Test
    void aGifOf5000TinyFramesProbesQuicklyWithoutDecoding() {
        byte[] gif = Animations.tinyFrameGif(5000, 4);

        long started = System.nanoTime();
        MediaHeader header = codec.probe(gif, MediaFormat.GIF);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(header.frames()).isEqualTo(5000);
        assertThat(header.durationMillis()).isEqualTo(200_000);
        assertThat(header.loopCount()).isZero();
        assertThat(millis).isLessThan(500);
    }

    @Test
    void zeroAndOneCentisecondDelaysCountAsTheHundredMillisecondsBrowsersShow() {
        MediaHeader header = codec.probe(Animations.tinyFrameGif(10, 0), MediaFormat.GIF);

        assertThat(header.durationMillis()).isEqualTo(1000);
        assertThat(header.minFrameMillis()).isEqualTo(100);
        assertThat(header.framesPerSecond()).isEqualTo(10.0);
        assertThat(codec.probe(Animations.tinyFrameGif(10, 1), MediaFormat.GIF).durationMillis()).isEqualTo(1000);
        assertThat(codec.probe(Animations.tinyFrameGif(10, 2), MediaFormat.GIF).durationMillis()).isEqualTo(200);
    }

    @Test
    void aGifCutInsideAFrameIsCorrupt() {
        byte[] gif = Animations.imageIoGif(Animations.panningFaces(3, 48, 40, false), new int[] {10, 10, 10}, 0);

        assertCorrupt(() -> codec.probe(Arrays.copyOf(gif, gif.length * 2 / 3), MediaFormat.GIF), "ends inside");
        assertCorrupt(() -> codec.probe(Arrays.copyOf(gif, gif.length - 3), MediaFormat.GIF), "ends inside");
    }

    @Test
    void aGifWithoutItsTrailerAfterACompleteLastFrameIsTolerated() {
        byte[] gif = Animations.tinyFrameGif(3, 10);

        assertThat(codec.probe(Arrays.copyOf(gif, gif.length - 1), MediaFormat.GIF).frames()).isEqualTo(3);
    }

    @Test
    void aGifFrameOutsideTheCanvasIsCorrupt() {
        byte[] gif = Animations.tinyFrameGif(3, 10);
        int secondDescriptor = indexOf(gif, new byte[] {0x2C, 0, 0, 0, 0, 1, 0, 1, 0}, 60);
        gif[secondDescriptor + 1] = 1; // left = 1 on a 1-pixel-wide canvas

        assertCorrupt(() -> codec.probe(gif, MediaFormat.GIF), "outside its 1x1 canvas");
    }

    @Test
    void aGifWithNoFrameIsCorrupt() {
        byte[] gif = Animations.tinyFrameGif(1, 10);
        byte[] screenOnly = Arrays.copyOf(gif, 13 + 6);

        assertCorrupt(() -> codec.probe(screenOnly, MediaFormat.GIF), "no frame");
    }

    @Test
    void oneFrameGifsAndApngsAreStillsForTheStillPath() {
        List<BufferedImage> frames = Animations.panningFaces(1, 32, 24, false);

        assertThat(codec.probe(Animations.imageIoGif(frames, new int[] {10}, 0), MediaFormat.GIF)).isNull();
        assertThat(codec.probe(Animations.apng(frames, new int[] {100}, 0), MediaFormat.APNG)).isNull();
    }

    @Test
    void anApngWhoseAcTlLiesAboutItsFrameCountIsCorrupt() {
        byte[] apng = Animations.apng(Animations.panningFaces(3, 32, 24, false), new int[] {100, 100, 100}, 0, 1000, null);

        assertCorrupt(() -> codec.probe(apng, MediaFormat.APNG), "acTL declares 1000 frames but it holds 3");
    }

    @Test
    void aTruncatedApngIsCorrupt() {
        byte[] apng = Animations.apng(Animations.panningFaces(3, 32, 24, false), new int[] {100, 100, 100}, 0);

        assertCorrupt(() -> codec.probe(Arrays.copyOf(apng, apng.length - 40), MediaFormat.APNG), "truncated");
    }

    @Test
    void anApngWithFramesOutOfSequenceIsCorrupt() {
        byte[] apng = Animations.apng(Animations.panningFaces(3, 32, 24, false), new int[] {100, 100, 100}, 0);
        int fdat = indexOf(apng, "fdAT".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0);
        apng[fdat + 7] = 9;

        assertCorrupt(() -> codec.probe(apng, MediaFormat.APNG), "sequence number 9 where 2 was due");
    }

    @Test
    void anApngsDefaultImageOutsideTheAnimationIsNotAFrame() {
        List<BufferedImage> frames = Animations.panningFaces(3, 32, 24, false);
        BufferedImage fallback = Animations.panningFaces(5, 32, 24, false).get(4);
        byte[] apng = Animations.apng(frames, new int[] {100, 100, 100}, 0, 3, fallback);

        MediaHeader header = codec.probe(apng, MediaFormat.APNG);
        List<MediaFrame> decoded = decodeAll(apng, header);

        assertThat(header.frames()).isEqualTo(3);
        assertThat(decoded).hasSize(3);
        assertThat(argb(decoded.get(0).pixels())).isEqualTo(argb(frames.get(0)));
    }

    @Test
    void aReaderRefusesMoreFramesThanItsHeaderDeclared() {
        byte[] gif = Animations.tinyFrameGif(3, 10);
        MediaHeader header = codec.probe(gif, MediaFormat.GIF);
        MediaHeader lying = new MediaHeader(MediaFormat.GIF, 1, 1, 2, 200, 10, 100, 100, 0, false);

        assertThat(decodeAll(gif, header)).hasSize(3);
        try (FrameReader reader = codec.open(gif, lying)) {
            reader.next();
            reader.next();
            assertCorrupt(reader::next, "more frames");
        }
    }

    @Test
    void undecodableGifDataIsCorruptNotAServerError() {
        byte[] gif = Animations.tinyFrameGif(3, 10);
        int secondDescriptor = indexOf(gif, new byte[] {0x2C, 0, 0, 0, 0, 1, 0, 1, 0}, 60);
        gif[secondDescriptor + 10] = 12; // an LZW minimum code size no decoder accepts
        MediaHeader header = codec.probe(gif, MediaFormat.GIF);

        try (FrameReader reader = codec.open(gif, header)) {
            reader.next();
            assertThatThrownBy(reader::next).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.problem()).isEqualTo(Problem.CORRUPT_IMAGE));
        }
    }

    @Test
    void apngSubFramesBlendOverTheCanvasAndTheirDisposalIsAppliedBeforeTheNextFrame() {
        BufferedImage background = Animations.panningFaces(1, 40, 30, false).get(0);
        BufferedImage patch = new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB);
        for (int i = 0; i < 100; i++) {
            patch.setRGB(i % 10, i / 10, i < 50 ? 0x80FF0000 : 0x00000000); // half red at 50 %, half transparent
        }
        int under = background.getRGB(12, 6);
        int untouched = background.getRGB(15, 15);

        for (int dispose : new int[] {ApngStructure.DISPOSE_NONE, ApngStructure.DISPOSE_BACKGROUND,
            ApngStructure.DISPOSE_PREVIOUS}) {
            byte[] apng = Animations.apngWithPatch(background, patch, 10, 5, ApngStructure.BLEND_OVER, dispose);
            List<MediaFrame> frames = decodeAll(apng, codec.probe(apng, MediaFormat.APNG));

            BufferedImage second = frames.get(1).pixels();
            int blended = second.getRGB(12, 6);
            assertThat(blended >>> 24).isEqualTo(255);
            assertThat((blended >> 16) & 0xFF).isEqualTo((0xFF * 128 + ((under >> 16) & 0xFF) * 127 + 127) / 255);
            assertThat(second.getRGB(15, 12)).as("transparent half of the patch").isEqualTo(background.getRGB(15, 12));
            BufferedImage third = frames.get(2).pixels();
            assertThat(third.getRGB(0, 0)).isEqualTo(0xFF00FF00);
            assertThat(third.getRGB(12, 6)).as("dispose %d", dispose).isEqualTo(switch (dispose) {
                case ApngStructure.DISPOSE_NONE -> blended;
                case ApngStructure.DISPOSE_BACKGROUND -> 0;
                default -> under;
            });
            assertThat(third.getRGB(15, 15)).isEqualTo(untouched);
        }
    }

    private List<MediaFrame> decodeAll(byte[] bytes, MediaHeader header) {
        List<MediaFrame> frames = new ArrayList<>();
        try (FrameReader reader = codec.open(bytes, header)) {
            for (MediaFrame f = reader.next(); f != null; f = reader.next()) {
                assertThat(f.index()).isEqualTo(frames.size());
                frames.add(f);
            }
        }
        return frames;
    }

    private byte[] rewrite(byte[] original, MediaHeader header, List<MediaFrame> frames) {
        try (FrameWriter writer = codec.writer(original, header, false)) {
            frames.forEach(writer::write);
            return writer.finish();
        }
    }

    static int[] argb(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static void assertCorrupt(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.problem()).isEqualTo(Problem.CORRUPT_IMAGE);
            assertThat(e.getMessage()).contains(message);
        });
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
