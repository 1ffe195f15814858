package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.GraphProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.ModelProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.NodeProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.TensorProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a checked ModelProto into the steps one forward pass runs. Every node is compiled now, so that an
 * operator or attribute the interpreter lacks fails the load rather than a cloak; and whatever depends on neither
 * the input's values nor its shape is computed here once (constant folding), so a pass runs only the rest.
 */
final class GraphCompiler {

    /** What a value depends on; a node's kind is the strongest of its inputs'. */
    private enum Kind { CONSTANT, SHAPE_ONLY, DATA }

    /**
     * @param constants by value slot: initializers and folded values, null where computed per pass (the input too)
     * @param inputDims the input's declared [N, C, H, W], -1 where symbolic
     */
    record Compiled(List<Step> steps, List<NDArray> constants, int inputSlot, int outputSlot, long[] inputDims) {}

    private GraphCompiler() {}

    /** @param manager the model's manager: initializers and folded values go there */
    static Compiled compile(String name, ModelProto model, NDManager manager) {
        Long opset = OnnxModel.opsets(model).get("");
        if (opset == null || opset < OnnxOps.MIN_OPSET || opset > OnnxOps.MAX_OPSET) {
            throw new UnsupportedOnnxException(name + ": ONNX opset " + opset + " (supported " + OnnxOps.MIN_OPSET + ".."
                    + OnnxOps.MAX_OPSET + ")");
        }
        GraphProto g = model.getGraph();
        Map<String, Integer> slots = new HashMap<>();
        List<NDArray> constantList = new ArrayList<>();
        List<Kind> kinds = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            slots.put(t.getName(), slots.size());
            constantList.add(OnnxTensor.of(t).toNd(manager));
            kinds.add(Kind.CONSTANT);
        }
        List<ValueInfoProto> inputs = g.getInputList().stream().filter(v -> !slots.containsKey(v.getName())).toList();
        if (inputs.size() != 1 || OnnxModel.dims(inputs.get(0)).length != 4 || g.getOutputCount() != 1) {
            throw new UnsupportedOnnxException(name + ": expected one NCHW input and one output, found inputs "
                    + inputs.stream().map(ValueInfoProto::getName).toList() + " and " + g.getOutputCount() + " outputs");
        }
        int inputSlot = slots.size();
        slots.put(inputs.get(0).getName(), inputSlot);
        long[] inputDims = OnnxModel.dims(inputs.get(0));
        constantList.add(null);
        kinds.add(Kind.DATA);

        List<Step> steps = new ArrayList<>();
        for (NodeProto node : g.getNodeList()) {
            int[] in = new int[node.getInputCount()];
            NDArray[] known = new NDArray[in.length];
            Kind kind = Kind.CONSTANT;
            for (int k = 0; k < in.length; k++) {
                String input = node.getInput(k);
                if (input.isEmpty()) {
                    in[k] = -1;
                    continue;
                }
                Integer slot = slots.get(input);
                if (slot == null) {
                    throw new UnsupportedOnnxException(name + ": " + OnnxModel.describe(node) + " reads '" + input
                            + "' before any node makes it (nodes must be in topological order)");
                }
                in[k] = slot;
                known[k] = constantList.get(slot);
                kind = max(kind, kinds.get(slot));
            }
            if (node.getOpType().equals("Shape") && kind == Kind.DATA) {
                kind = Kind.SHAPE_ONLY; // reads the input's shape, not its values
            }
            Kernel kernel = OnnxOps.compile(node, opset, known);
            if (kind == Kind.DATA && node.getOpType().equals("Cast")) {
                kernel = differentiableCast(node, kernel);
            }
            int[] out = new int[node.getOutputCount()];
            NDArray[] values = null;
            if (kind == Kind.CONSTANT) { // fold: computed once, now, into the model's manager
                NDArray[] args = new NDArray[in.length];
                for (int k = 0; k < in.length; k++) {
                    args[k] = in[k] < 0 ? null : constantList.get(in[k]);
                }
                values = kernel.run(args, manager);
            }
            for (int k = 0; k < out.length; k++) {
                out[k] = slots.size();
                slots.put(node.getOutput(k), out[k]);
                constantList.add(values == null ? null : settle(values[k], manager));
                kinds.add(kind);
            }
            if (kind != Kind.CONSTANT) {
                steps.add(new Step(node, kernel, in, out, kind == Kind.SHAPE_ONLY));
            }
        }
        Integer outputSlot = slots.get(g.getOutput(0).getName());
        if (outputSlot == null || kinds.get(outputSlot) != Kind.DATA) {
            throw new UnsupportedOnnxException(name + ": the output '" + g.getOutput(0).getName() + "' does not depend on the input");
        }
        return new Compiled(steps, constantList, inputSlot, outputSlot, inputDims);
    }

    private static Kind max(Kind a, Kind b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** DJL's type conversion is not recorded by autograd: a Cast of data values must be a no-op or it is refused. */
    private static Kernel differentiableCast(NodeProto node, Kernel cast) {
        return (in, m) -> {
            NDArray[] out = cast.run(in, m);
            if (out[0] != in[0]) {
                throw new UnsupportedOnnxException(OnnxModel.describe(node) + ": a type-changing Cast of input-dependent values ("
                        + in[0].getDataType() + ") would cut the gradient");
            }
            return out;
        };
    }

    /** A folded value as a contiguous tensor of the model's manager (a transposed constant is a strided view). */
    private static NDArray settle(NDArray v, NDManager manager) {
        NDArray c = OnnxOps.contiguous(v);
        c.attach(manager);
        return c;
    }

    /** Frees the folded intermediates that no per-pass step reads. */
    static NDArray[] dropUnused(NDArray[] constants, List<Step> steps) {
        boolean[] used = new boolean[constants.length];
        for (Step s : steps) {
            for (int i : s.in()) {
                if (i >= 0) {
                    used[i] = true;
                }
            }
        }
        for (int i = 0; i < constants.length; i++) {
            if (constants[i] != null && !used[i]) {
                constants[i].close();
                constants[i] = null;
            }
        }
        return constants;
    }
}
