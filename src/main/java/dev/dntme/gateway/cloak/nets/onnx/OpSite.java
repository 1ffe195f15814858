package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.AttributeProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.AttributeProto.AttributeType;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.NodeProto;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** A node being compiled, with checked access to its attributes and load-time inputs. */
record OpSite(NodeProto node, long opset, NDArray[] constants, Map<String, AttributeProto> attributes) {

    UnsupportedOnnxException unsupported(String what) {
        return new UnsupportedOnnxException(describe() + ": " + what + " is not supported");
    }

    String describe() {
        return OnnxModel.describe(node);
    }

    /** Refuses any attribute not named here, and an input count outside [min, max]. */
    void allow(int minInputs, int maxInputs, String... allowedNames) {
        Set<String> allowed = Set.of(allowedNames);
        for (String a : this.attributes.keySet()) {
            if (!allowed.contains(a)) {
                throw unsupported("attribute '" + a + "'");
            }
        }
        int n = node.getInputCount();
        if (n < minInputs || n > maxInputs) {
            throw unsupported(n + " inputs");
        }
    }

    boolean has(String name) {
        return attributes.containsKey(name);
    }

    private AttributeProto attr(String name, AttributeType type) {
        AttributeProto a = attributes.get(name);
        if (a != null && a.getType() != type) {
            throw unsupported("attribute '" + name + "' of type " + a.getType());
        }
        return a;
    }

    long i(String name, long otherwise) {
        AttributeProto a = attr(name, AttributeType.INT);
        return a == null ? otherwise : a.getI();
    }

    float f(String name, float otherwise) {
        AttributeProto a = attr(name, AttributeType.FLOAT);
        return a == null ? otherwise : a.getF();
    }

    long[] ints(String name, long[] otherwise) {
        AttributeProto a = attr(name, AttributeType.INTS);
        return a == null ? otherwise : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    String s(String name, String otherwise) {
        AttributeProto a = attr(name, AttributeType.STRING);
        return a == null ? otherwise : a.getS().toStringUtf8();
    }

    OnnxTensor t(String name) {
        AttributeProto a = attr(name, AttributeType.TENSOR);
        return a == null ? null : OnnxTensor.of(a.getT());
    }

    boolean present(int input) {
        return input < node.getInputCount() && !node.getInput(input).isEmpty();
    }

    /** The load-time value of an input, or an error naming what must be constant. */
    NDArray constant(int input, String what) {
        if (!present(input) || constants[input] == null) {
            throw unsupported(what + " computed at run time");
        }
        return constants[input];
    }

    long[] constantLongs(int input, String what) {
        return OnnxOps.longsOf(constant(input, what));
    }

    /** An input's longs: known at load, or read from the run-time value (shape-sized tensors only). */
    Function<NDArray[], long[]> longs(int input) {
        if (!present(input)) {
            return in -> null;
        }
        if (constants[input] != null) {
            long[] v = OnnxOps.longsOf(constants[input]);
            return in -> v;
        }
        return in -> OnnxOps.longsOf(in[input]);
    }
}
