package dev.dntme.gateway.cloak.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import org.junit.jupiter.api.Test;

/** The cloak carried between frames in the face's own chip coordinates survives the face moving, turning and scaling. */
class WarmStartTest {

    private static final int S = WarmStart.S;

    @Test
    void aChipPerturbationWrittenIntoAMovedTurnedAndScaledFacesGridReadsBackTheSame() {
        float[] chip = smoothPattern();
        // the same face one frame later: 7 px right, 3 px down, turned 4 degrees, 6% larger
        AffineTransform moved = new AffineTransform();
        moved.translate(107, 63);
        moved.rotate(Math.toRadians(4));
        moved.scale(1.06 * 1.4, 1.06 * 1.4);
        Rectangle region = ChipWarp.regionOf(moved, 640, 480);
        ChipWarp warp = new ChipWarp(moved, region, 2.0);

        float[] grid = WarmStart.toGrid(chip, warp, moved);
        float[] back = WarmStart.toChip(grid, warp, moved);

        double error = 0;
        double energy = 0;
        int inner = 0;
        for (int c = 0; c < 3; c++) {
            for (int v = 8; v < S - 8; v++) {
                for (int u = 8; u < S - 8; u++) {
                    int i = c * S * S + v * S + u;
                    error += Math.abs(back[i] - chip[i]);
                    energy += Math.abs(chip[i]);
                    inner++;
                }
            }
        }
        assertThat(error / inner).as("mean error, 8-bit levels").isLessThan(0.25 * energy / inner);
    }

    @Test
    void aFaceWithoutACarriedCloakStartsFromNoise() {
        CloakOptimizer.InitialGrid start = WarmStart.from(java.util.Arrays.asList(smoothPattern(), null));
        AffineTransform at = AffineTransform.getTranslateInstance(20, 20);
        ChipWarp warp = new ChipWarp(at, ChipWarp.regionOf(at, 300, 300), 2.0);

        assertThat(start.of(0, warp, at)).isNotNull();
        assertThat(start.of(1, warp, at)).as("null: the optimiser draws random noise").isNull();
    }

    /** A perturbation that varies slowly over the chip (a grid of 2-pixel cells can hold it), up to 6 levels. */
    private static float[] smoothPattern() {
        float[] chip = new float[3 * S * S];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < S; v++) {
                for (int u = 0; u < S; u++) {
                    chip[c * S * S + v * S + u] = (float) (6 * Math.sin(u / 9.0 + c) * Math.cos(v / 11.0 - c));
                }
            }
        }
        return chip;
    }
}
