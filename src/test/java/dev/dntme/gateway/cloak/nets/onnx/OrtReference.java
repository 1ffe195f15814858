package dev.dntme.gateway.cloak.nets.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/** ONNX Runtime (the reference implementation, forward only) on one model file, called directly. */
final class OrtReference implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String input;

    OrtReference(String file) {
        try {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            session = env.createSession(file, options);
            input = session.getInputNames().iterator().next();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One sample {@code [1, c, h, w]} in, its output flattened. */
    float[] run(float[] chw, long c, long h, long w) {
        return run(chw, 1, c, h, w);
    }

    /** A batch {@code [n, c, h, w]} in (for graphs whose batch dim is symbolic), outputs flattened. */
    float[] run(float[] nchw, long n, long c, long h, long w) {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), new long[] {n, c, h, w});
                OrtSession.Result r = session.run(Map.of(input, t))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] a = new float[out.remaining()];
            out.get(a);
            return a;
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
