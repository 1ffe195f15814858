package dev.dntme.gateway.cloak.nets.onnx;

import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.NodeProto;

/**
 * One node to run per pass: its kernel and the value slots it reads (-1 for an omitted optional input) and
 * writes. {@code shapeOnly}: its outputs depend on the input's shape alone, so they are kept per input shape.
 */
record Step(NodeProto node, Kernel kernel, int[] in, int[] out, boolean shapeOnly) {}
