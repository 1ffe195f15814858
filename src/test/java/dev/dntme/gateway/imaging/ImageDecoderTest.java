package dev.dntme.gateway.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dntme.gateway.support.TestImages;
import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class ImageDecoderTest {

    private final ImagingProperties defaults = new ImagingProperties(DataSize.ofMegabytes(25), 50_000_000, 20_000, 0.9f, ImagingProperties.Media.defaults());
    private final ImageDecoder decoder = new ImageDecoder(new ImageLimits(defaults));

    private static Problem problemOf(Runnable call) {
        try {
            call.run();
        } catch (ApiException e) {
            return e.problem();
        }
        throw new AssertionError("expected a rejection");
    }

    @Test
    void aPhotoMarkedDataMiningProhibitedInItsXmpFlagsItself() {
        byte[] marked = TestImages.withDataMining(TestImages.jpeg(32, 32),
                "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING");

        assertThat(decoder.decode(marked).dataMiningProhibited()).isTrue();
    }

    @Test
    void aDataMiningValueThatAllowsMiningDoesNotFlag() {
        byte[] allowed = TestImages.withDataMining(TestImages.jpeg(32, 32), "http://ns.useplus.org/ldf/vocab/DMI-ALLOWED");

        assertThat(decoder.decode(allowed).dataMiningProhibited()).isFalse();
        assertThat(decoder.decode(TestImages.photo("people/obama/obama-1.jpg")).dataMiningProhibited()).isFalse();
    }

    @Test
    void everyExifOrientationEndsUpright() {
        for (int orientation = 1; orientation <= 8; orientation++) {
            DecodedImage image = decoder.decode(TestImages.withExif(TestImages.jpeg(80, 40), orientation));
            boolean quarterTurn = orientation >= 5;
            assertThat(image.width()).as("orientation %d", orientation).isEqualTo(quarterTurn ? 40 : 80);
            assertThat(image.height()).as("orientation %d", orientation).isEqualTo(quarterTurn ? 80 : 40);
        }
    }

    @Test
    void webpAndGifAreAcceptedAndMapToJpegAndPng() throws Exception {
        BufferedImage indexed = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(1, 2, new byte[] {0, (byte) 255}, new byte[] {0, 0}, new byte[] {0, 0}));
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        ImageIO.write(indexed, "gif", gif);

        DecodedImage decoded = decoder.decode(gif.toByteArray());

        assertThat(decoded.format()).isEqualTo(ImageFormat.GIF);
        assertThat(decoded.format().publicFormat()).isEqualTo(ImageFormat.PublicFormat.PNG);
        assertThat(ImageFormat.WEBP.publicFormat()).isEqualTo(ImageFormat.PublicFormat.JPEG);
    }

    @Test
    void greyscaleAndAlphaImagesNormaliseToEightBitRgb() {
        BufferedImage grey = new BufferedImage(20, 10, BufferedImage.TYPE_USHORT_GRAY);
        DecodedImage decoded = decoder.decode(TestImages.encode(grey, "png"));
        assertThat(decoded.pixels().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);

        DecodedImage rgba = decoder.decode(TestImages.photo("edge/rgba-32bit.png"));
        assertThat(rgba.hasAlpha()).isTrue();
        assertThat(rgba.rgb().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    }

    @Test
    void limitsAreCheckedFromTheHeaderBeforeAnyPixelIsDecoded() {
        ImageDecoder strict = new ImageDecoder(new ImageLimits(
                new ImagingProperties(DataSize.ofMegabytes(25), 1_000, 20_000, 0.9f, ImagingProperties.Media.defaults())));

        assertThat(problemOf(() -> strict.decode(TestImages.png(40, 40)))).isEqualTo(Problem.IMAGE_TOO_LARGE);
        assertThat(problemOf(() -> decoder.decode(TestImages.pngDeclaring(1, 30_000)))).isEqualTo(Problem.IMAGE_DIMENSIONS);
        assertThat(problemOf(() -> decoder.decode(TestImages.pngDeclaring(0, 10)))).isIn(Problem.IMAGE_DIMENSIONS,
                Problem.CORRUPT_IMAGE);
    }

    @Test
    void bytesOverTheLimitAreRefusedBeforeDecoding() {
        ImageDecoder tiny = new ImageDecoder(new ImageLimits(
                new ImagingProperties(DataSize.ofBytes(100), 50_000_000, 20_000, 0.9f, ImagingProperties.Media.defaults())));

        assertThat(problemOf(() -> tiny.decode(TestImages.jpeg(64, 64)))).isEqualTo(Problem.PAYLOAD_TOO_LARGE);
    }

    @Test
    void garbageIsRejectedAsUnsupportedOrCorruptNeverAsACrash() {
        byte[] jpeg = TestImages.jpeg(64, 64);
        byte[] flipped = jpeg.clone();
        for (int i = 200; i < flipped.length; i += 7) {
            flipped[i] ^= (byte) 0x5A;
        }

        assertThat(problemOf(() -> decoder.decode("GIF89a but not really".getBytes()))).isEqualTo(Problem.CORRUPT_IMAGE);
        assertThat(problemOf(() -> decoder.decode(new byte[] {1, 2, 3}))).isEqualTo(Problem.UNSUPPORTED_MEDIA_TYPE);
        assertThatThrownBy(() -> decoder.decode(java.util.Arrays.copyOf(jpeg, 30))).isInstanceOf(ApiException.class);
        // A bit-flipped body may still decode (JPEG is forgiving); it must never escape as anything but ApiException.
        try {
            decoder.decode(flipped);
        } catch (ApiException expected) {
            assertThat(expected.problem().status().is4xxClientError()).isTrue();
        }
    }
}
