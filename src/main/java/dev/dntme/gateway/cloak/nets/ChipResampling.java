package dev.dntme.gateway.cloak.nets;

/**
 * The separable resampling by which a recogniser cuts its input window out of the shared 150x150 chip: as matrices,
 * so that {@code R . chip . Ct} is one differentiable product on the chip batch whatever the network's input size.
 */
public final class ChipResampling {

    private static final int S = FaceRecognitionNet.CHIP_SIZE;

    private ChipResampling() {}

    /**
     * Row {@code i} of a {@code [out,150]} matrix: the average of the chip over output pixel i's
     * footprint {@code [x0 + i*step, x0 + (i+1)*step)} (edge coordinates; chip pixel j covers [j, j+1)),
     * a box filter, which is exact area resampling when shrinking and bilinear-like when enlarging.
     * Outside the chip the border pixel is repeated.
     */
    public static float[] matrix(double x0, double side, int out) {
        float[] m = new float[out * S];
        double step = side / out;
        for (int i = 0; i < out; i++) {
            double a = x0 + i * step;
            double b = a + step;
            if (step < 1) { // enlarging: bilinear at the centre
                double p = (a + b) / 2 - 0.5;
                int j = (int) Math.floor(p);
                double f = p - j;
                m[i * S + clamp(j)] += (float) (1 - f);
                m[i * S + clamp(j + 1)] += (float) f;
                continue;
            }
            for (int j = (int) Math.floor(a); j < Math.ceil(b); j++) {
                double w = Math.min(b, j + 1) - Math.max(a, j);
                if (w > 0) {
                    m[i * S + clamp(j)] += (float) (w / step);
                }
            }
        }
        return m;
    }

    private static int clamp(int j) {
        return Math.max(0, Math.min(S - 1, j));
    }
}
