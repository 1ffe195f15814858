package dev.dntme.gateway.cloak.nets.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.AttributeProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.FunctionProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.GraphProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.ModelProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.NodeProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.OperatorSetIdProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.TensorProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.TensorShapeProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX file read through the classes generated from src/main/proto/onnx.proto, and the parts of the format
 * this interpreter refuses. The refusals are made here, before anything is compiled, because protobuf keeps
 * fields it has no use for silently: a model-local function or an external-data tensor would otherwise be run
 * as if it were not there. Metadata, doc strings, value_info and training info change no result and are ignored.
 */
final class OnnxModel {

    private OnnxModel() {}

    /** Parses and checks a ModelProto; a file that is not protobuf is an {@link IllegalArgumentException}. */
    static ModelProto parse(byte[] bytes) {
        ModelProto model;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.enableAliasing(true); // raw_data stays a view of the file's bytes, not a second copy of the weights
            model = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("malformed protobuf: " + e.getMessage(), e);
        } catch (IOException e) { // a byte array has no I/O to fail
            throw new UncheckedIOException(e);
        }
        if (!model.hasGraph()) {
            throw new UnsupportedOnnxException("not an ONNX model: no graph");
        }
        if (model.getFunctionsCount() > 0) {
            throw new UnsupportedOnnxException("model-local functions are not supported (the model defines "
                    + model.getFunctionsList().stream().map(FunctionProto::getName).toList() + ")");
        }
        GraphProto g = model.getGraph();
        if (g.getSparseInitializerCount() > 0) {
            throw new UnsupportedOnnxException("sparse initializers are not supported");
        }
        g.getInitializerList().forEach(OnnxModel::checkStorage);
        for (NodeProto node : g.getNodeList()) {
            for (AttributeProto a : node.getAttributeList()) {
                checkAttribute(node, a);
            }
        }
        return model;
    }

    /** Opset versions by domain, the default domain as "" however the file spells it. */
    static Map<String, Long> opsets(ModelProto model) {
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            opsets.put(normalDomain(o.getDomain()), o.getVersion());
        }
        return Collections.unmodifiableMap(opsets);
    }

    static String domain(NodeProto node) {
        return normalDomain(node.getDomain());
    }

    private static String normalDomain(String domain) {
        return domain.equals("ai.onnx") ? "" : domain;
    }

    /** How a node is named in error messages: op type and node name (or its first output). */
    static String describe(NodeProto node) {
        String id = !node.getName().isEmpty() ? node.getName() : node.getOutputCount() == 0 ? "?" : node.getOutput(0);
        return node.getOpType() + " node '" + id + "'";
    }

    /** A node's attributes by name. */
    static Map<String, AttributeProto> attributes(NodeProto node) {
        Map<String, AttributeProto> byName = new LinkedHashMap<>();
        for (AttributeProto a : node.getAttributeList()) {
            byName.put(a.getName(), a);
        }
        return Collections.unmodifiableMap(byName);
    }

    /** A graph input's or output's dims, -1 where a dim is symbolic or unknown; none where it has no tensor shape. */
    static long[] dims(ValueInfoProto v) {
        if (!v.getType().hasTensorType()) {
            return new long[0];
        }
        List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
        long[] out = new long[dims.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = dims.get(k).hasDimValue() ? dims.get(k).getDimValue() : -1;
        }
        return out;
    }

    /** Values kept outside the tensor's own fields cannot be read from the file alone. */
    static void checkStorage(TensorProto t) {
        if (t.hasSegment()) {
            throw new UnsupportedOnnxException("segmented tensors are not supported");
        }
        if (t.getExternalDataCount() > 0 || t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new UnsupportedOnnxException("tensor " + t.getName() + " uses external data: not supported");
        }
    }

    /** Only scalar, string, tensor and number-list attributes: the rest carry sub-graphs or function plumbing. */
    private static void checkAttribute(NodeProto node, AttributeProto a) {
        List<String> held = new ArrayList<>();
        if (a.hasG() || a.getGraphsCount() > 0) {
            held.add("graphs");
        }
        if (a.getStringsCount() > 0) {
            held.add("string lists");
        }
        if (a.getTensorsCount() > 0) {
            held.add("tensor lists");
        }
        if (a.hasSparseTensor() || a.getSparseTensorsCount() > 0) {
            held.add("sparse tensors");
        }
        if (a.hasTp() || a.getTypeProtosCount() > 0) {
            held.add("types");
        }
        if (a.hasRefAttrName()) {
            held.add("a reference to a function's attribute");
        }
        if (!held.isEmpty()) {
            throw new UnsupportedOnnxException(describe(node) + ": attribute '" + a.getName() + "' holds "
                    + String.join(" and ", held) + ", which is not supported");
        }
        if (a.hasT()) {
            checkStorage(a.getT());
        }
    }
}
