package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** A compiled node: its inputs' values (null for an omitted optional input) to its outputs' values. */
@FunctionalInterface
interface Kernel {
    /**
     * @param manager where arrays created from nothing (Shape, ConstantOfShape, Constant) go; ops on
     *                inputs leave their results in the first operand's manager (the interpreter re-homes them)
     */
    NDArray[] run(NDArray[] in, NDManager manager);
}
