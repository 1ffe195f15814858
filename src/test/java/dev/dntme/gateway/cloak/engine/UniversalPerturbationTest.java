package dev.dntme.gateway.cloak.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.attack.ChipWarp;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class UniversalPerturbationTest {

    private static final int S = FaceRecognitionNet.CHIP_SIZE;
    /** Smooth, like a learnt perturbation on a one-chip-pixel grid seen through a bilinear resampling. */
    private static final float AMPLITUDE = 5f;
    /** Away from the chip border, where the perturbation fades to zero over one chip pixel. */
    private static final int MARGIN = 4;

    /** A tilted, enlarged face-sized chip inside a real photo: every chip pixel lands on image pixels. */
    private static AffineTransform alignment(BufferedImage image) {
        AffineTransform t = new AffineTransform();
        t.translate(image.getWidth() * 0.3, image.getHeight() * 0.2);
        t.rotate(Math.toRadians(12));
        t.scale(1.6, 1.6);
        return t;
    }

    private static float[] smoothDelta() {
        float[] d = new float[3 * S * S];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < S; v++) {
                for (int u = 0; u < S; u++) {
                    d[c * S * S + v * S + u] = (float) (AMPLITUDE * Math.sin(2 * Math.PI * u / 31 + c) * Math.cos(2 * Math.PI * v / 23));
                }
            }
        }
        return d;
    }

    @Test
    void aChipPerturbationCarriedOntoThePhotoIsWhatTheAlignerReadsBack() {
        BufferedImage photo = TestPhotos.read("people/obama/obama-1.jpg");
        AffineTransform t = alignment(photo);
        float[] delta = smoothDelta();

        BufferedImage cloaked = UniversalPerturbation.apply(photo, t, delta);
        float[] before = FaceAligner.extractChip(photo, t);
        float[] after = FaceAligner.extractChip(cloaked, t);

        double error = 0;
        int n = 0;
        for (int c = 0; c < 3; c++) {
            for (int v = MARGIN; v < S - MARGIN; v++) {
                for (int u = MARGIN; u < S - MARGIN; u++) {
                    int i = c * S * S + v * S + u;
                    if (before[i] > AMPLITUDE + 1 && before[i] < 254 - AMPLITUDE) { // clamping to 8 bits is not an error
                        error += Math.abs(after[i] - before[i] - delta[i]);
                        n++;
                    }
                }
            }
        }
        assertThat(n).isGreaterThan(3 * (S - 2 * MARGIN) * (S - 2 * MARGIN) / 2);
        // rounding to 8 bits and the aligner's anti-aliasing, nothing more
        assertThat(error / n).isLessThan(0.6);
        assertThat(maxPixelChange(photo, cloaked)).isLessThanOrEqualTo((int) Math.ceil(AMPLITUDE));
    }

    @Test
    void theWarmStartGridPutsThePerturbationWhereTheOptimiserChipSeesIt() {
        BufferedImage photo = TestPhotos.read("people/obama/obama-1.jpg");
        AffineTransform t = alignment(photo);
        float[] delta = smoothDelta();
        ChipWarp warp = new ChipWarp(t, photo.getWidth(), photo.getHeight(), 1.0);

        float[] grid = UniversalPerturbation.toGrid(delta, warp, t);

        float[] seen;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            seen = warp.warp(warp.upsample(m.create(grid, new Shape(3, warp.gridH, warp.gridW)), m), m).toFloatArray();
        }
        double error = 0;
        int n = 0;
        for (int c = 0; c < 3; c++) {
            for (int v = MARGIN; v < S - MARGIN; v++) {
                for (int u = MARGIN; u < S - MARGIN; u++) {
                    int i = c * S * S + v * S + u;
                    error += Math.abs(seen[i] - delta[i]);
                    n++;
                }
            }
        }
        assertThat(error / n).isLessThan(0.3);
    }

    private static int maxPixelChange(BufferedImage a, BufferedImage b) {
        int max = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                for (int sh = 0; sh <= 16; sh += 8) {
                    max = Math.max(max, Math.abs(((p >> sh) & 0xFF) - ((q >> sh) & 0xFF)));
                }
            }
        }
        return max;
    }
}
