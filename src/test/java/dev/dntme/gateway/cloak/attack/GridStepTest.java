package dev.dntme.gateway.cloak.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GridStepTest {

    @Test
    void smoothingKeepsAConstantGradientAndSpreadsAnImpulse() {
        int h = 9, w = 11;
        float[] constant = new float[3 * h * w];
        java.util.Arrays.fill(constant, 2f);
        for (float v : GridStep.smooth(constant, h, w, 1.5)) {
            assertEquals(2f, v, 1e-5);
        }
        float[] impulse = new float[3 * h * w];
        impulse[h * w + 4 * w + 5] = 1f;
        impulse[7] = Float.NaN; // non-finite entries count as 0
        float[] s = GridStep.smooth(impulse, h, w, 1.0);
        double sum = 0;
        for (int i = h * w; i < 2 * h * w; i++) {
            sum += s[i];
        }
        assertEquals(1.0, sum, 1e-5);
        assertTrue(s[h * w + 4 * w + 5] < 0.5f && s[h * w + 4 * w + 6] > 0f);
        for (int i = 0; i < h * w; i++) {
            assertTrue(Float.isFinite(s[i]) && s[i] == 0f);
        }
    }
}
