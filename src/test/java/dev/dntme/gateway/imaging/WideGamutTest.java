package dev.dntme.gateway.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dntme.gateway.imaging.ImageFormat.PublicFormat;
import dev.dntme.gateway.support.DisplayP3;
import dev.dntme.gateway.support.TestImages;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * A Display P3 photo's public copy looks like the original: the upload's decoder applies the embedded profile and the
 * public copy is sRGB without a profile (PngIccProfile says why). The P3 files are made here from a committed face
 * photo; "looks like" is what a colour-managed browser shows (DisplayP3.browserView) against the sRGB original.
 */
class WideGamutTest {

    /** Well under the shift of reading P3 values as sRGB (3.1 on this photo), above JPEG's own loss (about 1.1). */
    private static final double SAME_LOOK = 1.6;

    private static BufferedImage original;

    private final ImagingProperties defaults = new ImagingProperties(DataSize.ofMegabytes(25), 50_000_000, 20_000, 0.9f,
            ImagingProperties.Media.defaults());
    private final ImageDecoder decoder = new ImageDecoder(new ImageLimits(defaults));
    private final PublicEncoder encoder = new PublicEncoder(defaults);

    @BeforeAll
    static void readOriginal() throws Exception {
        original = ImageIO.read(new ByteArrayInputStream(TestImages.photo("people/obama/obama-1.jpg")));
    }

    /** The upload's still path without a face: decode, then the public encoder (the cloak changes pixels, not colour spaces). */
    private byte[] published(byte[] upload) {
        DecodedImage image = decoder.decode(upload);
        return encoder.encode(image.pixels(), image.format().publicFormat(), false);
    }

    @Test
    void theFixturesAreDisplayP3AndShiftVisiblyWhenTheirProfileIsIgnored() {
        double[][] srgb = DisplayP3.colorantsD50(DisplayP3.SRGB_PRIMARIES);
        ICC_Profile jdkSrgb = ICC_Profile.getInstance(ColorSpace.CS_sRGB);
        for (int channel = 0; channel < 3; channel++) {
            // the colorant maths reproduces the JDK's own sRGB profile from sRGB's primaries
            assertThat(DisplayP3.colorant(jdkSrgb, channel)).containsExactly(srgb[channel], within(0.001));
        }
        assertThat(DisplayP3.colorant(DisplayP3.profile(), 0)).containsExactly(new double[] {0.5151, 0.2412, -0.0011},
                within(0.001)); // Apple's Display P3 profile's rXYZ

        assertThat(DisplayP3.appearanceDeltaE(original, DisplayP3.browserView(DisplayP3.png(original)))).isLessThan(0.5);
        assertThat(DisplayP3.appearanceDeltaE(original, DisplayP3.browserView(DisplayP3.jpeg(original)))).isLessThan(SAME_LOOK);
        assertThat(DisplayP3.appearanceDeltaE(original, DisplayP3.toP3Values(original))).isGreaterThan(2.5);
    }

    @Test
    void aDisplayP3PngIsPublishedInSrgbAndLooksLikeTheOriginal() {
        byte[] upload = DisplayP3.png(original);

        byte[] published = published(upload);

        assertThat(DisplayP3.hasIcc(published)).isFalse();
        // before the decoder applied iCCP this was 3.1: the P3 values were published as if they were sRGB
        assertThat(DisplayP3.appearanceDeltaE(original, DisplayP3.browserView(published))).isLessThan(0.5);
    }

    @Test
    void aDisplayP3JpegIsPublishedInSrgbAndLooksLikeTheOriginal() {
        byte[] upload = DisplayP3.jpeg(original);

        byte[] published = published(upload);

        assertThat(DisplayP3.hasIcc(published)).isFalse();
        assertThat(DisplayP3.appearanceDeltaE(original, DisplayP3.browserView(published))).isLessThan(SAME_LOOK);
    }

    @Test
    void anUnreadableOrOversizedPngProfileIsIgnoredNotFatal() {
        byte[] png = TestImages.png(40, 30);
        BufferedImage plain = decoder.decode(png).pixels();
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (var z = new java.util.zip.DeflaterOutputStream(bomb)) {
            z.write(new byte[PngIccProfile.MAX_ICC_BYTES + 1]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (byte[] profile : new byte[][] {bomb.toByteArray(), "not zlib".getBytes(StandardCharsets.US_ASCII)}) {
            ByteArrayOutputStream iccp = new ByteArrayOutputStream();
            iccp.writeBytes("junk\0\0".getBytes(StandardCharsets.ISO_8859_1));
            iccp.writeBytes(profile);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(png, 0, 33);
            TestImages.chunk(out, "iCCP", iccp.toByteArray());
            out.write(png, 33, png.length - 33);

            BufferedImage decoded = decoder.decode(out.toByteArray()).pixels();

            assertThat(decoded.getRGB(20, 15)).isEqualTo(plain.getRGB(20, 15));
        }
    }
}
