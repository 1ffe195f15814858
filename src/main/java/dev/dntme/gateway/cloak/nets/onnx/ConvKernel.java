package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * A 2-D convolution with its weights known at load. Measured on this project's CPUs (AMD EPYC, AVX-512),
 * libtorch 2.7.1: for a batch of more than one sample PyTorch switches some convolutions to its oneDNN path,
 * which gave wrong values for some shapes (24 input channels at 28x28 with 2x2 or 3x3 kernels: errors of 40%
 * of the output scale; 100 channels at 7x7, 2x2 stride 2: 6%), while batches of one matched ONNX Runtime to
 * 3e-6 in all four adopted graphs. So a conv is compiled {@link BatchMode#PER_SAMPLE}; the graph, at load,
 * checks each conv at its actual input shape (batch of 2 vs two of 1, values and input gradient) and lets
 * only those that pass run batched, in chunks of exactly the checked batch size.
 */
final class ConvKernel implements Kernel {

    /** How a {@link ConvKernel} runs a batch of more than one sample. */
    enum BatchMode {
        /** In chunks of {@link ConvKernel#CHECKED_BATCH} samples (the batch size its load-time check ran at). */
        BATCHED,
        /**
         * A conv whose stride equals its kernel (no padding, dilation or groups: a "patchify" downsampling) as one
         * matrix product of the weights with the non-overlapping patches, which a reshape and a transpose gather:
         * the same sums without PyTorch's convolution.
         */
        PATCHES,
        /** One sample at a time. */
        PER_SAMPLE
    }

    /** The batch size the load-time check compares against single samples. */
    static final int CHECKED_BATCH = 2;

    private final NDArray weight;
    private final NDArray bias; // may be null
    private final Shape strides;
    private final Shape pads;
    private final Shape dilations;
    private final int groups;
    private final BatchMode mode;

    ConvKernel(NDArray weight, NDArray bias, Shape strides, Shape pads, Shape dilations, int groups, BatchMode mode) {
        this.weight = weight;
        this.bias = bias;
        this.strides = strides;
        this.pads = pads;
        this.dilations = dilations;
        this.groups = groups;
        this.mode = mode;
    }

    @Override
    public NDArray[] run(NDArray[] in, NDManager manager) {
        return new NDArray[] {apply(in[0], mode)};
    }

    /** Whether {@link BatchMode#PATCHES} applies: stride = kernel, no padding, no dilation, one group. */
    boolean patchable() {
        return groups == 1 && pads.get(0) == 0 && pads.get(1) == 0 && dilations.get(0) == 1 && dilations.get(1) == 1
                && strides.get(0) == weight.getShape().get(2) && strides.get(1) == weight.getShape().get(3);
    }

    /** [N,C,H,W] -> patches [N, C*kh*kw, oh*ow] -> W [O, C*kh*kw] x patches + b -> [N,O,oh,ow], contiguous NCHW. */
    private NDArray patches(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0), c = s.get(1), kh = weight.getShape().get(2), kw = weight.getShape().get(3);
        long oh = s.get(2) / kh, ow = s.get(3) / kw;
        if (oh * kh != s.get(2) || ow * kw != s.get(3)) { // a stride-k conv leaves the trailing rows/columns out
            x = x.get(new NDIndex(":, :, 0:" + oh * kh + ", 0:" + ow * kw));
        }
        NDArray p = x.reshape(n, c, oh, kh, ow, kw).transpose(0, 1, 3, 5, 2, 4).reshape(n, c * kh * kw, oh * ow);
        NDArray y = weight.reshape(weight.getShape().get(0), c * kh * kw).matMul(p);
        if (bias != null) {
            y = y.add(bias.reshape(bias.size(), 1));
        }
        return y.reshape(n, weight.getShape().get(0), oh, ow);
    }

    BatchMode mode() {
        return mode;
    }

    ConvKernel withMode(BatchMode m) {
        return new ConvKernel(weight, bias, strides, pads, dilations, groups, m);
    }

    long outChannels() {
        return weight.getShape().get(0);
    }

    /** {@code [out, in/groups, kh, kw]}, stride, pad, dilation, groups: for reports. */
    String describe() {
        return "weight " + weight.getShape() + " stride " + strides + " pad " + pads
                + (dilations.get(0) != 1 || dilations.get(1) != 1 ? " dilation " + dilations : "")
                + (groups != 1 ? " groups " + groups : "");
    }

    /** This conv followed by {@code + c}, c a per-output-channel (or single) constant: c goes into the bias. */
    ConvKernel plusBias(NDArray c, NDManager manager) {
        NDArray perChannel = perChannel(c, manager);
        NDArray b = bias == null ? perChannel : OnnxOps.contiguous(bias.add(perChannel));
        b.attach(manager);
        return new ConvKernel(weight, b, strides, pads, dilations, groups, mode);
    }

    /** This conv followed by {@code * c}, c per output channel (or single): c scales the weights and bias. */
    ConvKernel times(NDArray c, NDManager manager) {
        NDArray perChannel = perChannel(c, manager);
        NDArray w = OnnxOps.contiguous(weight.mul(perChannel.reshape(outChannels(), 1, 1, 1)));
        w.attach(manager);
        NDArray b = null;
        if (bias != null) {
            b = OnnxOps.contiguous(bias.mul(perChannel));
            b.attach(manager);
        }
        return new ConvKernel(w, b, strides, pads, dilations, groups, mode);
    }

    /** Whether {@code c} broadcast onto this conv's {@code [N, out, H, W]} output varies only by channel. */
    boolean isPerChannel(NDArray c) {
        long[] d = c.getShape().getShape();
        if (c.getDataType() != DataType.FLOAT32 || d.length > 4) {
            return false;
        }
        for (int k = 0; k < d.length; k++) {
            int axis = k + 4 - d.length; // right-aligned, as broadcasting aligns
            if (d[k] != 1 && !(axis == 1 && d[k] == outChannels())) {
                return false;
            }
        }
        return true;
    }

    private NDArray perChannel(NDArray c, NDManager manager) {
        NDArray flat = c.reshape(c.size());
        NDArray full = c.size() == outChannels() ? flat : flat.broadcast(new Shape(outChannels()));
        NDArray out = OnnxOps.contiguous(full);
        out.attach(manager);
        return out;
    }

    NDArray apply(NDArray x, BatchMode m) {
        if (m == BatchMode.PATCHES) {
            return patches(x);
        }
        long n = x.getShape().get(0);
        if (n == 1 || (m == BatchMode.BATCHED && n == CHECKED_BATCH)) {
            return conv(x);
        }
        long chunk = m == BatchMode.BATCHED ? CHECKED_BATCH : 1;
        long[] cuts = new long[(int) ((n - 1) / chunk)];
        for (int k = 0; k < cuts.length; k++) {
            cuts[k] = (k + 1) * chunk;
        }
        NDList outs = new NDList();
        for (NDArray part : x.split(cuts, 0)) {
            outs.add(conv(part));
        }
        return NDArrays.concat(outs, 0);
    }

    private NDArray conv(NDArray x) {
        return Conv2d.conv2d(x, weight, bias, strides, pads, dilations, groups).singletonOrThrow();
    }
}
