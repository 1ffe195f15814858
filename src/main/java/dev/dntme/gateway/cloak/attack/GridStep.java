package dev.dntme.gateway.cloak.attack;

/**
 * Turns a face's gradient on its grid into a step: optional translation-invariant smoothing (TI), optional
 * momentum (MI), then a signed step of {@code alpha} inside the caps.
 */
final class GridStep {

    private final double momentum;
    private final double tiSigma;

    GridStep(double momentum, double tiSigma) {
        this.momentum = momentum;
        this.tiSigma = tiSigma;
    }

    void apply(Photo photo, int f, float[] g, double alpha) {
        float[] d = photo.grids[f];
        ChipWarp w = photo.primaryWarp(f);
        if (tiSigma > 0) {
            g = smooth(g, w.gridH, w.gridW, tiSigma);
        }
        if (photo.velocity != null) {
            // MI-FGSM: v = mu v + g / mean|g| (non-finite entries count as 0)
            double l1 = 0;
            for (float v : g) {
                l1 += Float.isFinite(v) ? Math.abs(v) : 0;
            }
            float scale = l1 > 0 ? (float) (g.length / l1) : 0f;
            float[] vel = photo.velocity[f];
            for (int j = 0; j < g.length; j++) {
                vel[j] = (float) (momentum * vel[j] + (Float.isFinite(g[j]) ? g[j] * scale : 0f));
            }
            g = vel;
        }
        float eps = photo.eps();
        for (int j = 0; j < d.length; j++) {
            // a non-finite gradient must never reach the pixels: Math.round(NaN) is 0, a black face
            float cap = photo.cap(f, j);
            double a = photo.caps == null ? alpha : alpha * cap / eps; // the step schedule stays relative to the cap
            float v = Float.isFinite(g[j]) ? d[j] - (float) (a * Math.signum(g[j])) : d[j];
            d[j] = Math.max(-cap, Math.min(cap, v));
        }
    }

    /**
     * Separable Gaussian smoothing of a {@code [3,h,w]} gradient (border clamped): TI-FGSM's kernel on the
     * perturbation grid. Non-finite entries count as 0.
     */
    static float[] smooth(float[] g, int h, int w, double sigma) {
        int r = Math.max(1, (int) Math.ceil(2.5 * sigma));
        float[] k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = (float) Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= (float) sum;
        }
        float[] tmp = new float[g.length];
        float[] out = new float[g.length];
        for (int c = 0; c < 3; c++) {
            int o = c * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float acc = 0;
                    for (int i = -r; i <= r; i++) {
                        float v = g[o + y * w + Math.max(0, Math.min(w - 1, x + i))];
                        acc += k[i + r] * (Float.isFinite(v) ? v : 0f);
                    }
                    tmp[o + y * w + x] = acc;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float acc = 0;
                    for (int i = -r; i <= r; i++) {
                        acc += k[i + r] * tmp[o + Math.max(0, Math.min(h - 1, y + i)) * w + x];
                    }
                    out[o + y * w + x] = acc;
                }
            }
        }
        return out;
    }
}
