package dev.dntme.gateway.cloak.nets.onnx;

/**
 * An ONNX file this interpreter will not run: an operator, attribute value, data type or file feature it
 * does not implement, or a graph that fails its load-time self-check. Thrown at load, never mid-cloak,
 * so that a graph is either run exactly or not at all.
 */
public final class UnsupportedOnnxException extends RuntimeException {

    public UnsupportedOnnxException(String message) {
        super(message);
    }
}
