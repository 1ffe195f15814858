package dev.dntme.gateway.cloak.attack;

import dev.dntme.gateway.cloak.CloakBudget;
import java.util.Arrays;

/** Per-face caps on the perturbation grid: where they start, and how they shrink when a face's SSIM is over budget. */
final class Caps {

    private Caps() {}

    /**
     * Texture-adaptive caps with the adaptive budget; one uniform cap per face with a face SSIM target (so that a
     * face over it can have its own shrunk); null otherwise (the strength's eps everywhere).
     */
    static float[][] initial(Photo photo, CloakBudget budget, AttackOptions options) {
        int n = photo.size();
        float eps = budget.epsilon();
        if (options.adaptive()) {
            float[][] caps = new float[n][];
            for (int f = 0; f < n; f++) {
                caps[f] = PerceptualBudget.caps(photo.primaryWarp(f), photo.base(f), photo.targets().get(f).box(), eps,
                        (float) options.adaptiveMaxEps(), options.adaptiveOutsideBox(), options.adaptiveMode());
            }
            return caps;
        }
        if (options.faceSsimTarget() > 0) {
            float[][] caps = new float[n][];
            for (int f = 0; f < n; f++) {
                caps[f] = new float[photo.primaryWarp(f).gridH * photo.primaryWarp(f).gridW];
                Arrays.fill(caps[f], eps);
            }
            return caps;
        }
        return null;
    }

    /**
     * SSIM's cost grows with the square of the caps: shrink them to land over the floor, with a margin, since the
     * steps that follow push the grid back out to the new caps.
     */
    static void shrink(Photo photo, int f, double ssim, double floor) {
        float s = (float) Math.max(0.5, Math.min(0.95, 0.9 * Math.sqrt((1 - floor) / (1 - ssim))));
        float[] c = photo.caps[f];
        float[] d = photo.grids[f];
        for (int i = 0; i < c.length; i++) {
            c[i] *= s;
        }
        for (int i = 0; i < d.length; i++) {
            float cap = c[i % c.length];
            d[i] = Math.max(-cap, Math.min(cap, d[i]));
        }
    }
}
