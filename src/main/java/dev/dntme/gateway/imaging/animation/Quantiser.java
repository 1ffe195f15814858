package dev.dntme.gateway.imaging.animation;

import java.util.Arrays;

/**
 * Reduces one frame to a GIF palette, deterministically and without dithering, so that the same pixels always give
 * the same bytes (the cloak measures its protection on exactly these bytes).
 *
 * <p>A frame of at most 256 colours (255 with transparency) keeps them exactly. Otherwise: variance-based median
 * cut on a 5-bit-per-channel histogram (each step cuts the box whose best cut removes the most squared error,
 * on the axis and at the place where its two halves keep the least), then k-means refinement of the box means on the
 * histogram, then every pixel mapped to its nearest palette colour at full 8-bit precision. Pixels with alpha below
 * 128 take the reserved transparent index (the last one); other pixels become opaque.
 */
final class Quantiser {

    static final int COLOURS = 256;
    private static final int BINS = 1 << 15;
    private static final int REFINEMENTS = 6;

    /**
     * @param indices     one palette index per pixel, row by row
     * @param palette     256 RGB colours (unused entries black)
     * @param transparent the transparent index, or -1 when every pixel is opaque
     */
    record Indexed(int width, int height, byte[] indices, int[] palette, int transparent) {
    }

    private Quantiser() {
    }

    static Indexed quantise(int[] argb, int width, int height, boolean alpha) {
        boolean anyTransparent = false;
        if (alpha) {
            for (int p : argb) {
                if ((p >>> 24) < 128) {
                    anyTransparent = true;
                    break;
                }
            }
        }
        int capacity = anyTransparent ? COLOURS - 1 : COLOURS;
        int transparent = anyTransparent ? COLOURS - 1 : -1;
        int[] colours = exactColours(argb, anyTransparent, capacity);
        int[] palette = colours != null ? colours : medianCut(argb, anyTransparent, capacity);
        int[] full = Arrays.copyOf(palette, COLOURS); // the transparent entry stays black: see Canvas
        byte[] indices = map(argb, anyTransparent, palette, transparent);
        return new Indexed(width, height, indices, full, transparent);
    }

    private static boolean isTransparent(int p, boolean anyTransparent) {
        return anyTransparent && (p >>> 24) < 128;
    }

    /** The frame's distinct colours, sorted, or null when there are more than {@code capacity}. */
    private static int[] exactColours(int[] argb, boolean anyTransparent, int capacity) {
        ColourMap seen = new ColourMap(capacity * 2);
        int n = 0;
        for (int p : argb) {
            if (isTransparent(p, anyTransparent)) {
                continue;
            }
            int rgb = p & 0xFFFFFF;
            if (seen.get(rgb) < 0) {
                if (n == capacity) {
                    return null;
                }
                seen.put(rgb, n++);
            }
        }
        int[] colours = seen.keys();
        Arrays.sort(colours);
        return colours;
    }

    private static int[] medianCut(int[] argb, boolean anyTransparent, int capacity) {
        long[] count = new long[BINS];
        long[][] sum = new long[3][BINS];
        for (int p : argb) {
            if (isTransparent(p, anyTransparent)) {
                continue;
            }
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            int bin = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
            count[bin]++;
            sum[0][bin] += r;
            sum[1][bin] += g;
            sum[2][bin] += b;
        }
        int[] bins = new int[BINS];
        int used = 0;
        for (int bin = 0; bin < BINS; bin++) {
            if (count[bin] > 0) {
                bins[used++] = bin;
            }
        }
        Histogram histogram = new Histogram(count, sum, Arrays.copyOf(bins, used));
        int[][] boxes = histogram.split(capacity);
        return histogram.refine(boxes);
    }

    /** Each pixel's nearest palette colour, memoised per distinct colour. */
    private static byte[] map(int[] argb, boolean anyTransparent, int[] palette, int transparent) {
        Nearest nearest = new Nearest(palette);
        ColourMap memo = new ColourMap(1 << 12);
        byte[] indices = new byte[argb.length];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            if (isTransparent(p, anyTransparent)) {
                indices[i] = (byte) transparent;
                continue;
            }
            int rgb = p & 0xFFFFFF;
            int index = memo.get(rgb);
            if (index < 0) {
                index = nearest.of(rgb);
                memo.put(rgb, index);
            }
            indices[i] = (byte) index;
        }
        return indices;
    }

    /** The 5-bit histogram's non-empty bins and the boxes cut from them. */
    private static final class Histogram {
        private final long[] count;
        private final long[][] sum;
        private final int[] bins;

        Histogram(long[] count, long[][] sum, int[] bins) {
            this.count = count;
            this.sum = sum;
            this.bins = bins;
        }

        /** Boxes as {@code [from, to)} ranges of {@link #bins}, at most {@code capacity} of them. */
        int[][] split(int capacity) {
            int[][] boxes = new int[capacity][];
            double[] error = new double[capacity];
            int[] cut = new int[capacity];
            int[] axisOf = new int[capacity];
            boxes[0] = new int[] {0, bins.length};
            int n = 1;
            plan(boxes, error, cut, axisOf, 0);
            while (n < capacity) {
                int worst = -1;
                for (int i = 0; i < n; i++) {
                    if (cut[i] > 0 && (worst < 0 || error[i] > error[worst])) {
                        worst = i;
                    }
                }
                if (worst < 0) {
                    break;
                }
                int from = boxes[worst][0];
                int to = boxes[worst][1];
                sortByAxis(from, to, axisOf[worst]);
                boxes[worst] = new int[] {from, cut[worst]};
                boxes[n] = new int[] {cut[worst], to};
                plan(boxes, error, cut, axisOf, worst);
                plan(boxes, error, cut, axisOf, n);
                n++;
            }
            return Arrays.copyOf(boxes, n);
        }

        /**
         * Where box {@code i} is best cut: on whichever axis, between two bin values, the cut that leaves the least
         * squared error in its two halves; {@code error[i]} is the error that cut removes, cut 0 = cannot split.
         */
        private void plan(int[][] boxes, double[] error, int[] cut, int[] axisOf, int i) {
            int from = boxes[i][0];
            int to = boxes[i][1];
            cut[i] = 0;
            error[i] = 0;
            if (to - from < 2) {
                return;
            }
            long total = 0;
            long[] all = new long[3];
            for (int k = from; k < to; k++) {
                int bin = bins[k];
                total += count[bin];
                for (int c = 0; c < 3; c++) {
                    all[c] += sum[c][bin];
                }
            }
            double before = -norm(all) / total;
            double best = Double.MAX_VALUE;
            for (int axis = 0; axis < 3; axis++) {
                sortByAxis(from, to, axis);
                long n = 0;
                long[] s = new long[3];
                for (int k = from; k < to - 1; k++) {
                    int bin = bins[k];
                    n += count[bin];
                    for (int c = 0; c < 3; c++) {
                        s[c] += sum[c][bin];
                    }
                    // Bins of one axis value stay together so that boxes remain boxes.
                    if (axisValue(bins[k], axis) == axisValue(bins[k + 1], axis)) {
                        continue;
                    }
                    long[] rest = {all[0] - s[0], all[1] - s[1], all[2] - s[2]};
                    double after = -norm(s) / n - norm(rest) / (total - n);
                    if (after < best) {
                        best = after;
                        cut[i] = k + 1;
                        axisOf[i] = axis;
                    }
                }
            }
            error[i] = cut[i] == 0 ? 0 : before - best;
        }

        private void sortByAxis(int from, int to, int axis) {
            int[] keys = new int[to - from];
            for (int k = from; k < to; k++) {
                keys[k - from] = (axisValue(bins[k], axis) << 15) | bins[k];
            }
            Arrays.sort(keys);
            for (int k = from; k < to; k++) {
                bins[k] = keys[k - from] & 0x7FFF;
            }
        }

        private static int axisValue(int bin, int axis) {
            return (bin >> (10 - 5 * axis)) & 0x1F;
        }

        /** k-means on the bins' mean colours, weighted by their pixel counts, starting from the boxes' means. */
        int[] refine(int[][] boxes) {
            int k = boxes.length;
            double[][] centre = new double[k][3];
            for (int i = 0; i < k; i++) {
                long n = 0;
                long[] s = new long[3];
                for (int j = boxes[i][0]; j < boxes[i][1]; j++) {
                    int bin = bins[j];
                    n += count[bin];
                    for (int c = 0; c < 3; c++) {
                        s[c] += sum[c][bin];
                    }
                }
                for (int c = 0; c < 3; c++) {
                    centre[i][c] = (double) s[c] / n;
                }
            }
            for (int round = 0; round < REFINEMENTS; round++) {
                double[][] s = new double[k][3];
                long[] n = new long[k];
                for (int bin : bins) {
                    double r = (double) sum[0][bin] / count[bin];
                    double g = (double) sum[1][bin] / count[bin];
                    double b = (double) sum[2][bin] / count[bin];
                    int best = 0;
                    double bestDistance = Double.MAX_VALUE;
                    for (int i = 0; i < k; i++) {
                        double dr = r - centre[i][0];
                        double dg = g - centre[i][1];
                        double db = b - centre[i][2];
                        double d = dr * dr + dg * dg + db * db;
                        if (d < bestDistance) {
                            bestDistance = d;
                            best = i;
                        }
                    }
                    n[best] += count[bin];
                    for (int c = 0; c < 3; c++) {
                        s[best][c] += sum[c][bin];
                    }
                }
                for (int i = 0; i < k; i++) {
                    if (n[i] > 0) {
                        for (int c = 0; c < 3; c++) {
                            centre[i][c] = s[i][c] / n[i];
                        }
                    }
                }
            }
            int[] palette = new int[k];
            for (int i = 0; i < k; i++) {
                palette[i] = (channel(centre[i][0]) << 16) | (channel(centre[i][1]) << 8) | channel(centre[i][2]);
            }
            return palette;
        }

        private static int channel(double value) {
            return Math.max(0, Math.min(255, (int) Math.round(value)));
        }

        private static double norm(long[] v) {
            return (double) v[0] * v[0] + (double) v[1] * v[1] + (double) v[2] * v[2];
        }
    }

    /** Nearest palette colour by squared RGB distance; the palette sorted by green prunes the search. */
    private static final class Nearest {
        private final int[] green;
        private final int[] colour;
        private final int[] index;

        Nearest(int[] palette) {
            Integer[] order = new Integer[palette.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> {
                int byGreen = Integer.compare((palette[a] >> 8) & 0xFF, (palette[b] >> 8) & 0xFF);
                return byGreen != 0 ? byGreen : Integer.compare(a, b);
            });
            green = new int[palette.length];
            colour = new int[palette.length];
            index = new int[palette.length];
            for (int i = 0; i < order.length; i++) {
                index[i] = order[i];
                colour[i] = palette[order[i]];
                green[i] = (colour[i] >> 8) & 0xFF;
            }
        }

        int of(int rgb) {
            int r = (rgb >> 16) & 0xFF;
            int g = (rgb >> 8) & 0xFF;
            int b = rgb & 0xFF;
            int start = Arrays.binarySearch(green, g);
            if (start < 0) {
                start = -start - 1;
            }
            while (start > 0 && green[start - 1] == g) {
                start--; // equal greens: the lowest position first, for a deterministic tie-break
            }
            int best = -1;
            int bestDistance = Integer.MAX_VALUE;
            int up = start;
            int down = start - 1;
            while (up < colour.length || down >= 0) {
                if (up < colour.length) {
                    int dg = green[up] - g;
                    if (dg * dg >= bestDistance) {
                        up = colour.length;
                    } else {
                        int d = distance(colour[up], r, g, b);
                        if (d < bestDistance || (d == bestDistance && index[up] < best)) {
                            bestDistance = d;
                            best = index[up];
                        }
                        up++;
                    }
                }
                if (down >= 0) {
                    int dg = g - green[down];
                    if (dg * dg >= bestDistance) {
                        down = -1;
                    } else {
                        int d = distance(colour[down], r, g, b);
                        if (d < bestDistance || (d == bestDistance && index[down] < best)) {
                            bestDistance = d;
                            best = index[down];
                        }
                        down--;
                    }
                }
            }
            return best;
        }

        private static int distance(int c, int r, int g, int b) {
            int dr = ((c >> 16) & 0xFF) - r;
            int dg = ((c >> 8) & 0xFF) - g;
            int db = (c & 0xFF) - b;
            return dr * dr + dg * dg + db * db;
        }
    }

    /** rgb -> index, open addressing; Java's boxed maps would dominate the time on a large photo. */
    static final class ColourMap {
        private int[] keys;
        private int[] values;
        private int size;

        ColourMap(int expected) {
            int capacity = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
            keys = new int[capacity];
            values = new int[capacity];
        }

        int get(int rgb) {
            int mask = keys.length - 1;
            for (int slot = hash(rgb) & mask; ; slot = (slot + 1) & mask) {
                int key = keys[slot];
                if (key == 0) {
                    return -1;
                }
                if (key == rgb + 1) {
                    return values[slot];
                }
            }
        }

        void put(int rgb, int value) {
            if (2 * (size + 1) > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int slot = hash(rgb) & mask;
            while (keys[slot] != 0 && keys[slot] != rgb + 1) {
                slot = (slot + 1) & mask;
            }
            if (keys[slot] == 0) {
                size++;
            }
            keys[slot] = rgb + 1; // 0 marks an empty slot; rgb + 1 is never 0 for a 24-bit colour
            values[slot] = value;
        }

        int[] keys() {
            int[] out = new int[size];
            int n = 0;
            for (int key : keys) {
                if (key != 0) {
                    out[n++] = key - 1;
                }
            }
            return out;
        }

        private void grow() {
            int[] oldKeys = keys;
            int[] oldValues = values;
            keys = new int[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != 0) {
                    put(oldKeys[i] - 1, oldValues[i]);
                }
            }
        }

        private static int hash(int key) {
            return (key * 0x9E3779B1) >>> 7;
        }
    }
}
