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

class WebpCodecTest {

    /** 5 ms is shown for 100 ms, as browsers do. */
    private static final int[] DELAYS_MS = {70, 125, 200, 400, 500, 5};
    private static final long[] SHOWN_MICROS = {70_000, 125_000, 200_000, 400_000, 500_000, 100_000};

    private final WebpCodec codec = new WebpCodec();

    @Test
    void aSixFrameWebpKeepsEveryFrameItsDelaysAndItsLoopCount() {
        List<BufferedImage> faces = Animations.panningFaces(6, 96, 80, false);
        byte[] webp = WebpAnimations.of(faces, DELAYS_MS, 3);

        MediaHeader header = codec.probe(webp, MediaFormat.WEBP);
        assertThat(header).isEqualTo(new MediaHeader(MediaFormat.WEBP, 96, 80, 6, 1395, 6 * 1_000_000.0 / 1_395_000, 70,
                500, 3, false));
        List<MediaFrame> original = decodeAll(webp, header);
        byte[] copy = rewrite(webp, header, original, false);

        assertThat(codec.probe(copy, MediaFormat.WEBP)).isEqualTo(header);
        List<MediaFrame> decoded = decodeAll(copy, header);
        assertThat(decoded).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(decoded.get(i).durationMicros()).isEqualTo(SHOWN_MICROS[i]);
            assertThat(decoded.get(i).pixels().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            // lossy twice over (the test's encoding, then ours) at quality 90, on a small detailed crop: 4.6 measured
            assertThat(meanAbsoluteDifference(decoded.get(i).pixels(), faces.get(i))).as("frame %d", i).isLessThan(6);
        }
        assertThat(new String(copy, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("ALPH", "XMP ");
    }

    @Test
    void transparencyAndTheLoopForeverSurviveTheRoundTrip() {
        List<BufferedImage> faces = Animations.panningFaces(3, 64, 48, true);
        byte[] webp = WebpAnimations.of(faces, new int[] {100, 100, 100}, 0);

        MediaHeader header = codec.probe(webp, MediaFormat.WEBP);
        assertThat(header.loopCount()).isZero();
        List<MediaFrame> original = decodeAll(webp, header);
        byte[] copy = rewrite(webp, header, original, false);

        assertThat(copy[20] & WebpStructure.FLAG_ALPHA).as("VP8X alpha flag").isNotZero();
        assertThat(codec.probe(copy, MediaFormat.WEBP).loopCount()).isZero();
        for (MediaFrame frame : decodeAll(copy, header)) {
            BufferedImage pixels = frame.pixels();
            assertThat(pixels.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
            assertThat(pixels.getRGB(3, 3) >>> 24).as("transparent corner").isZero();
            assertThat(pixels.getRGB(40, 30) >>> 24).as("opaque face").isEqualTo(255);
        }
    }

    @Test
    void everyFrameOfAPublishedWebpDecodesExactlyAsItsEncodedStill() {
        for (boolean alpha : new boolean[] {false, true}) {
            List<BufferedImage> frames = Animations.panningFaces(4, 120, 100, alpha);
            MediaHeader header = new MediaHeader(MediaFormat.WEBP, 120, 100, 4, 400, 10, 100, 100, 0, false);
            List<byte[]> stills = new ArrayList<>();
            byte[] webp;
            try (FrameWriter writer = new WebpFrameWriter(header, alpha, false)) {
                for (int i = 0; i < frames.size(); i++) {
                    stills.add(writer.encodeStill(frames.get(i)));
                    writer.write(new MediaFrame(i, frames.get(i), i * 100_000L, 100_000));
                }
                webp = writer.finish();
            }

            List<MediaFrame> decoded = decodeAll(webp, codec.probe(webp, MediaFormat.WEBP));
            for (int i = 0; i < frames.size(); i++) {
                BufferedImage still = Animations.read(stills.get(i));
                assertThat(argb(decoded.get(i).pixels())).as("frame %d, alpha %s", i, alpha).isEqualTo(argb(still));
                // one lossy pass at quality 90 on a 120x100 crop of a face: 4.1 levels measured
                assertThat(meanAbsoluteDifference(still, frames.get(i))).isLessThan(5);
            }
        }
    }

    @Test
    void framesAreCompositedWithTheirOffsetBlendAndDispose() {
        BufferedImage background = solid(32, 32, 0xFF2060A0);
        BufferedImage patch = new BufferedImage(16, 16, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                patch.setRGB(x, y, x < 8 ? 0x80FF0000 : 0); // left half red at half alpha, right half clear
            }
        }
        BufferedImage dot = solid(2, 2, 0xFF00FF00);
        for (boolean blend : new boolean[] {true, false}) {
            for (boolean dispose : new boolean[] {false, true}) {
                byte[] webp = WebpAnimations.of(32, 32, 0, List.of(WebpAnimations.Frame.full(background, 100),
                        new WebpAnimations.Frame(patch, 10, 4, 100, blend, dispose), WebpAnimations.Frame.full(dot, 100)));
                // the dot is a 2x2 frame at 0,0: the rest of the third frame is what the second one left
                byte[] dotAtOrigin = WebpAnimations.of(32, 32, 0, List.of(WebpAnimations.Frame.full(background, 100),
                        new WebpAnimations.Frame(patch, 10, 4, 100, blend, dispose),
                        new WebpAnimations.Frame(dot, 0, 0, 100, false, false)));
                List<MediaFrame> frames = decodeAll(dotAtOrigin, codec.probe(dotAtOrigin, MediaFormat.WEBP));
                String what = "blend " + blend + ", dispose " + dispose;

                int inPatch = frames.get(1).pixels().getRGB(12, 6);
                if (blend) {
                    assertThat(inPatch >>> 24).as(what).isEqualTo(255);
                    assertNear(inPatch, 0xFF902F50, what); // half red over the blue
                    assertNear(frames.get(1).pixels().getRGB(20, 6), 0xFF2060A0, what + ": clear half lets it through");
                } else {
                    assertThat(inPatch >>> 24).as(what).isBetween(120, 136);
                    assertThat(frames.get(1).pixels().getRGB(20, 6) >>> 24).as(what + ": clear half replaces").isZero();
                }
                BufferedImage third = frames.get(2).pixels();
                assertNear(third.getRGB(0, 0), 0xFF00FF00, what);
                if (dispose) {
                    assertThat(third.getRGB(12, 6)).as(what).isZero();
                } else {
                    assertThat(third.getRGB(12, 6)).as(what).isEqualTo(inPatch);
                }
                assertNear(third.getRGB(30, 30), 0xFF2060A0, what + ": outside the patch");
                assertThat(webp).isNotEmpty();
            }
        }
    }

    @Test
    void aWebpOfOneFrameIsLeftToTheStillPath() {
        byte[] webp = WebpAnimations.of(Animations.panningFaces(1, 40, 30, false), new int[] {100}, 0);

        assertThat(codec.probe(webp, MediaFormat.WEBP)).isNull();
    }

    @Test
    void aTruncatedWebpIsCorrupt() {
        byte[] webp = WebpAnimations.of(Animations.panningFaces(3, 40, 30, false), new int[] {100, 100, 100}, 0);

        assertCorrupt(() -> codec.probe(Arrays.copyOf(webp, webp.length - 30), MediaFormat.WEBP), "(truncated)");
        byte[] cut = Arrays.copyOf(webp, webp.length - 30);
        setLe32(cut, 4, cut.length - 8); // an honest RIFF size over a frame cut short
        assertCorrupt(() -> codec.probe(cut, MediaFormat.WEBP), "runs past the end of the file");
    }

    @Test
    void anAnmfChunkThatLiesAboutItsSizeIsCorrupt() {
        byte[] webp = WebpAnimations.of(Animations.panningFaces(3, 40, 30, false), new int[] {100, 100, 100}, 0);
        int second = WebpAnimations.chunkOffset(webp, "ANMF");
        int span = (int) Riff.span(Riff.readLe32(webp, second + 4));
        int secondSpan = (int) Riff.span(Riff.readLe32(webp, second + span + 4));

        assertCorrupt(() -> codec.probe(WebpAnimations.withLyingAnmfSize(webp, 40), MediaFormat.WEBP), "WebP");
        // swallowing the next frame whole would otherwise lose it quietly
        assertCorrupt(() -> codec.probe(WebpAnimations.withLyingAnmfSize(webp, secondSpan), MediaFormat.WEBP),
                "holds a second ANMF chunk");
        assertCorrupt(() -> codec.probe(WebpAnimations.withLyingAnmfSize(webp, -20), MediaFormat.WEBP),
                "runs past its ANMF chunk");
    }

    @Test
    void framesOutsideTheCanvasOrOfAnotherSizeThanTheirBitstreamAreCorrupt() {
        BufferedImage face = Animations.panningFaces(1, 40, 30, false).get(0);
        byte[] outside = WebpAnimations.of(40, 30, 0, List.of(WebpAnimations.Frame.full(face, 100),
                new WebpAnimations.Frame(face, 2, 0, 100, false, false)));
        assertCorrupt(() -> codec.probe(outside, MediaFormat.WEBP), "reaches outside its 40x30 canvas");

        byte[] webp = WebpAnimations.of(List.of(face, face), new int[] {100, 100}, 0);
        int anmf = WebpAnimations.chunkOffset(webp, "ANMF") + 8;
        byte[] wider = webp.clone();
        wider[anmf + 6] = 19; // width 20 in the ANMF header, 40 in the VP8 bitstream
        assertCorrupt(() -> codec.probe(wider, MediaFormat.WEBP), "is 20x30 in its ANMF chunk but its VP8 bitstream is 40x30");
    }

    @Test
    void anAnimatedWebpWithoutAnimChunkOrFramesIsCorrupt() {
        byte[] webp = WebpAnimations.of(Animations.panningFaces(2, 40, 30, false), new int[] {100, 100}, 0);
        byte[] noAnim = webp.clone();
        int anim = WebpAnimations.chunkOffset(noAnim, "ANIM");
        noAnim[anim] = 'X'; // an unknown chunk now
        assertCorrupt(() -> codec.probe(noAnim, MediaFormat.WEBP), "comes before its ANIM chunk");

        byte[] header = Arrays.copyOf(webp, WebpAnimations.chunkOffset(webp, "ANMF"));
        setLe32(header, 4, header.length - 8);
        assertCorrupt(() -> codec.probe(header, MediaFormat.WEBP), "holds no frame");
    }

    @Test
    void aFrameTheDecoderRefusesIsCorrupt() {
        byte[] webp = WebpAnimations.of(Animations.panningFaces(2, 40, 30, false), new int[] {100, 100}, 0);
        byte[] garbled = webp.clone();
        int vp8 = WebpAnimations.chunkOffset(webp, "ANMF") + 8 + 16 + 8;
        for (int i = 10; i < 60; i++) {
            garbled[vp8 + i] = (byte) 0xFF;
        }
        MediaHeader header = codec.probe(garbled, MediaFormat.WEBP);

        assertThatThrownBy(() -> decodeAll(garbled, header)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.CORRUPT_IMAGE));
    }

    @Test
    void moreFramesThanTheHeaderDeclaredIsCorrupt() {
        byte[] webp = WebpAnimations.of(Animations.panningFaces(3, 40, 30, false), new int[] {100, 100, 100}, 0);
        MediaHeader two = new MediaHeader(MediaFormat.WEBP, 40, 30, 2, 200, 10, 100, 100, 0, false);

        assertCorrupt(() -> decodeAll(webp, two), "more frames than the 2 its header declares");
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

    private byte[] rewrite(byte[] original, MediaHeader header, List<MediaFrame> frames, boolean mark) {
        try (FrameWriter writer = codec.writer(original, header, mark)) {
            frames.forEach(writer::write);
            return writer.finish();
        }
    }

    private static BufferedImage solid(int w, int h, int argb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, argb);
            }
        }
        return image;
    }

    /** Lossy coding of a flat colour: within a few levels per channel. */
    private static void assertNear(int actual, int expected, String what) {
        for (int shift = 0; shift <= 24; shift += 8) {
            assertThat((actual >>> shift) & 0xFF).as(what + String.format(": %08X vs %08X", actual, expected))
                    .isCloseTo((expected >>> shift) & 0xFF, org.assertj.core.data.Offset.offset(6));
        }
    }

    /** Mean absolute difference per RGB channel, over opaque pixels of {@code expected}. */
    static double meanAbsoluteDifference(BufferedImage actual, BufferedImage expected) {
        long sum = 0;
        long n = 0;
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int e = expected.getRGB(x, y);
                if ((e >>> 24) < 255) {
                    continue;
                }
                int a = actual.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((a >> shift) & 0xFF) - ((e >> shift) & 0xFF));
                    n += 1;
                }
            }
        }
        return (double) sum / n;
    }

    static int[] argb(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static void setLe32(byte[] b, int at, int value) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (value >>> (8 * i));
        }
    }

    private static void assertCorrupt(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.problem()).isEqualTo(Problem.CORRUPT_IMAGE);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
