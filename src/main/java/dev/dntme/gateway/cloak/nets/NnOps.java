package dev.dntme.gateway.cloak.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * Small building blocks for running TensorFlow.js-trained convolution nets on DJL/PyTorch (NCHW).
 *
 * <p>Two things differ between tfjs and PyTorch and are handled here so the nets don't have to:
 * <ul>
 *   <li>kernel layout: tfjs {@code [kh,kw,in,out]} / depthwise {@code [kh,kw,in,mult]} versus
 *       PyTorch {@code [out,in/groups,kh,kw]};</li>
 *   <li>{@code 'same'} padding: TensorFlow pads {@code total/2} before and the rest after, so a
 *       stride-2 3x3 conv on an even input pads 0 on top/left and 1 on bottom/right. PyTorch's
 *       symmetric padding would shift every feature map by one pixel, so those cases are padded
 *       explicitly.</li>
 * </ul>
 */
public final class NnOps {

    private NnOps() {}

    /** tfjs conv kernel {@code [kh,kw,in,out]} to PyTorch {@code [out,in,kh,kw]}. */
    public static NDArray convKernel(NDManager manager, TfjsWeights.Tensor t) {
        long[] s = t.shape();
        requireRank(t, 4);
        int kh = (int) s[0], kw = (int) s[1], in = (int) s[2], out = (int) s[3];
        float[] src = t.values();
        float[] dst = new float[src.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        dst[((o * in + i) * kh + y) * kw + x] = src[((y * kw + x) * in + i) * out + o];
                    }
                }
            }
        }
        return manager.create(dst, new Shape(out, in, kh, kw));
    }

    /**
     * tfjs depthwise kernel {@code [kh,kw,in,mult]} to PyTorch grouped-conv {@code [in*mult,1,kh,kw]}
     * (tf's output channel {@code c*mult+m} is PyTorch's channel {@code c*mult+m} of group {@code c}).
     *
     * @param channelScale per output channel factor folded into the kernel (batch norm), or null
     */
    public static NDArray depthwiseKernel(NDManager manager, TfjsWeights.Tensor t, float[] channelScale) {
        long[] s = t.shape();
        requireRank(t, 4);
        int kh = (int) s[0], kw = (int) s[1], in = (int) s[2], mult = (int) s[3];
        float[] src = t.values();
        float[] dst = new float[src.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < in; i++) {
                    for (int m = 0; m < mult; m++) {
                        int o = i * mult + m;
                        float scale = channelScale == null ? 1f : channelScale[o];
                        dst[(o * kh + y) * kw + x] = src[((y * kw + x) * in + i) * mult + m] * scale;
                    }
                }
            }
        }
        return manager.create(dst, new Shape((long) in * mult, 1, kh, kw));
    }

    /** A zero bias, for convs that have none (PyTorch's conv2d binding here does not take null). */
    public static NDArray zeros(NDManager manager, long channels) {
        return manager.zeros(new Shape(channels));
    }

    /** {@code tf.conv2d(x, w, stride, 'same') + b} on an NCHW tensor. */
    public static NDArray conv2dSame(NDArray x, NDArray w, NDArray b, int stride) {
        return convSame(x, w, b, stride, 1);
    }

    /** {@code tf.depthwiseConv2d(x, w, stride, 'same') + b}; {@code w} from {@link #depthwiseKernel}. */
    public static NDArray depthwiseSame(NDArray x, NDArray w, NDArray b, int stride) {
        return convSame(x, w, b, stride, (int) x.getShape().get(1));
    }

    private static NDArray convSame(NDArray x, NDArray w, NDArray b, int stride, int groups) {
        Shape ws = w.getShape();
        int kh = (int) ws.get(2), kw = (int) ws.get(3);
        Shape xs = x.getShape();
        int[] padH = samePadding((int) xs.get(2), kh, stride);
        int[] padW = samePadding((int) xs.get(3), kw, stride);
        Shape strides = new Shape(stride, stride);
        Shape dilation = new Shape(1, 1);
        if (padH[0] == padH[1] && padW[0] == padW[1]) {
            return Conv2d.conv2d(x, w, b, strides, new Shape(padH[0], padW[0]), dilation, groups).singletonOrThrow();
        }
        // Asymmetric: pad explicitly (torch F.pad order: last axis first), then a 'valid' conv.
        try (NDArray padded = x.pad(new Shape(padW[0], padW[1], padH[0], padH[1]), 0)) {
            return Conv2d.conv2d(padded, w, b, strides, new Shape(0, 0), dilation, groups).singletonOrThrow();
        }
    }

    /** TensorFlow's SAME padding {before, after} along one axis. */
    public static int[] samePadding(int in, int kernel, int stride) {
        int out = (in + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + kernel - in, 0);
        return new int[] {total / 2, total - total / 2};
    }

    /**
     * {@code tf.image.resizeBilinear(img, [out,out], alignCorners=false, halfPixelCenters=false)} of
     * an RGB raster that sits at {@code (offX, offY)} on a {@code canvas x canvas} zero canvas
     * (that is face-api's padToSquare followed by its resize), written as normalised CHW floats
     * {@code (v - mean[c]) * scale} into {@code dst} from {@code dstOffset}.
     *
     * <p>Legacy tf resize maps output pixel {@code u} to source {@code u * canvas / out} (no half-pixel
     * shift), so a net output coordinate {@code p} in [0,1] of the input maps back to canvas pixel
     * {@code p * canvas}.
     *
     * @param rgb packed 0xRRGGBB (alpha ignored), row-major, {@code w x h}
     */
    public static void resizeOnSquareCanvas(int[] rgb, int w, int h, int offX, int offY, int canvas, int out,
                                     float[] mean, float scale, float[] dst, int dstOffset) {
        int plane = out * out;
        double ratio = (double) canvas / out;
        int[] x0 = new int[out];
        int[] x1 = new int[out];
        float[] fx = new float[out];
        for (int u = 0; u < out; u++) {
            double sx = u * ratio;
            int lo = (int) Math.floor(sx);
            x0[u] = lo - offX;
            x1[u] = Math.min(lo + 1, canvas - 1) - offX;
            fx[u] = (float) (sx - lo);
        }
        for (int v = 0; v < out; v++) {
            double sy = v * ratio;
            int lo = (int) Math.floor(sy);
            int ya = lo - offY;
            int yb = Math.min(lo + 1, canvas - 1) - offY;
            float fy = (float) (sy - lo);
            for (int u = 0; u < out; u++) {
                int p00 = pixel(rgb, w, h, x0[u], ya);
                int p01 = pixel(rgb, w, h, x1[u], ya);
                int p10 = pixel(rgb, w, h, x0[u], yb);
                int p11 = pixel(rgb, w, h, x1[u], yb);
                int at = dstOffset + v * out + u;
                for (int c = 0; c < 3; c++) {
                    int shift = 16 - 8 * c;
                    float top = lerp((p00 >> shift) & 0xFF, (p01 >> shift) & 0xFF, fx[u]);
                    float bottom = lerp((p10 >> shift) & 0xFF, (p11 >> shift) & 0xFF, fx[u]);
                    dst[at + c * plane] = (lerp(top, bottom, fy) - mean[c]) * scale;
                }
            }
        }
    }

    /** Reads any BufferedImage as packed RGB (sRGB, alpha dropped). */
    /**
     * Packed 0xRRGGBB pixels of a region. The common layouts (what ImageIO decodes JPEGs to, and what the
     * service hands over) are read straight from the raster: {@code getRGB} converts pixel by pixel
     * through the colour model and was the largest cost of a cloak after the net itself.
     */
    public static int[] rgbPixels(java.awt.image.BufferedImage image, int x, int y, int w, int h) {
        switch (image.getType()) {
            case java.awt.image.BufferedImage.TYPE_INT_RGB, java.awt.image.BufferedImage.TYPE_INT_ARGB -> {
                int[] out = (int[]) image.getRaster().getDataElements(x, y, w, h, null);
                for (int i = 0; i < out.length; i++) {
                    out[i] &= 0xFFFFFF;
                }
                return out;
            }
            case java.awt.image.BufferedImage.TYPE_3BYTE_BGR -> {
                // data elements come in band order (R, G, B), whatever the byte order in memory
                byte[] rgb = (byte[]) image.getRaster().getDataElements(x, y, w, h, null);
                int[] out = new int[w * h];
                for (int i = 0, j = 0; i < out.length; i++, j += 3) {
                    out[i] = ((rgb[j] & 0xFF) << 16) | ((rgb[j + 1] & 0xFF) << 8) | (rgb[j + 2] & 0xFF);
                }
                return out;
            }
            default -> {
                int[] out = image.getRGB(x, y, w, h, null, 0, w);
                for (int i = 0; i < out.length; i++) {
                    out[i] &= 0xFFFFFF;
                }
                return out;
            }
        }
    }

    private static int pixel(int[] rgb, int w, int h, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0 : rgb[y * w + x];
    }

    private static float lerp(float a, float b, float t) {
        return a + (b - a) * t;
    }

    private static void requireRank(TfjsWeights.Tensor t, int rank) {
        if (t.shape().length != rank) {
            throw new IllegalStateException(t.name() + ": expected rank " + rank + ", got " + t.shape().length);
        }
    }
}
