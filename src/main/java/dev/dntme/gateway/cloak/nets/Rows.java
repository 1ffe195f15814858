package dev.dntme.gateway.cloak.nets;

import java.util.List;

/**
 * Equal-length float rows (chips, descriptors, feature maps) packed into one flat batch for a net, and a net's
 * flat output split back into one row per input: the shape every describe / features call and every per-face
 * target array of the optimiser needs.
 */
public final class Rows {

    private Rows() {}

    /** The rows one after the other. */
    public static float[] stack(float[]... rows) {
        int k = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[rows.length * k];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * k, k);
        }
        return flat;
    }

    /** The rows at {@code picked}, in that order, one after the other. */
    public static float[] stack(float[][] rows, List<Integer> picked) {
        float[][] chosen = new float[picked.size()][];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = rows[picked.get(i)];
        }
        return stack(chosen);
    }

    /** {@code flat} cut into {@code n} rows of equal length. */
    public static float[][] split(float[] flat, int n) {
        int k = flat.length / n;
        float[][] rows = new float[n][k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * k, rows[i], 0, k);
        }
        return rows;
    }
}
