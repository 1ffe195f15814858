package dev.dntme.gateway.imaging.animation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.support.TestImages;
import java.awt.image.BufferedImage;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuantiserTest {

    @ParameterizedTest
    @ValueSource(strings = {"edge/obama-1080p.jpg", "groups/party-1.jpg"})
    void aRealPhotoLosesOnlyAFewLevelsPerChannel(String path) {
        BufferedImage photo = Animations.read(TestImages.photo(path));
        int w = photo.getWidth();
        int h = photo.getHeight();
        int[] argb = photo.getRGB(0, 0, w, h, null, 0, w);

        long started = System.nanoTime();
        Quantiser.Indexed indexed = Quantiser.quantise(argb, w, h, false);
        long millis = (System.nanoTime() - started) / 1_000_000;

        long absolute = 0;
        double squared = 0;
        for (int i = 0; i < argb.length; i++) {
            int q = indexed.palette()[indexed.indices()[i] & 0xFF];
            for (int shift = 0; shift <= 16; shift += 8) {
                int d = ((argb[i] >> shift) & 0xFF) - ((q >> shift) & 0xFF);
                absolute += Math.abs(d);
                squared += d * d;
            }
        }
        double meanError = (double) absolute / (3.0 * argb.length);
        double psnr = 10 * Math.log10(255.0 * 255.0 / (squared / (3.0 * argb.length)));
        System.out.printf(Locale.ROOT, "quantiser on %s %dx%d: mean error %.2f levels per channel, PSNR %.1f dB, %d ms%n",
                path, w, h, meanError, psnr, millis);

        assertThat(indexed.transparent()).isEqualTo(-1);
        assertThat(meanError).isLessThan(2.5);
        assertThat(psnr).isGreaterThan(36);
    }

    @Test
    void theSamePixelsAlwaysGiveTheSamePaletteAndIndices() {
        BufferedImage frame = Animations.panningFaces(1, 160, 120, true).get(0);
        int[] argb = frame.getRGB(0, 0, 160, 120, null, 0, 160);

        Quantiser.Indexed first = Quantiser.quantise(argb, 160, 120, true);
        Quantiser.Indexed second = Quantiser.quantise(argb.clone(), 160, 120, true);

        assertThat(second.palette()).isEqualTo(first.palette());
        assertThat(second.indices()).isEqualTo(first.indices());
        assertThat(first.transparent()).isEqualTo(255);
        assertThat(first.indices()[0] & 0xFF).isEqualTo(255);
    }

    @Test
    void aFrameOfFewColoursKeepsThemExactly() {
        int[] argb = new int[100];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = 0xFF000000 | (i * 2_654_435) & 0xFFFFFF;
        }

        Quantiser.Indexed indexed = Quantiser.quantise(argb, 10, 10, false);

        for (int i = 0; i < argb.length; i++) {
            assertThat(indexed.palette()[indexed.indices()[i] & 0xFF]).isEqualTo(argb[i] & 0xFFFFFF);
        }
    }
}
