package dev.dntme.gateway.cloak.nets.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Loading fails closed: a file of another hash, an operator or attribute the interpreter does not implement. */
class OnnxGraphRefusalTest {

    private static NDManager manager;

    @BeforeAll
    static void manager() {
        manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void aFileWhoseSha256DiffersIsRefused() {
        SurrogateModel spec = SurrogateModel.MOBILEFACENET_Y1;
        String wrong = "0".repeat(64);
        var e = assertThrows(IllegalArgumentException.class, () -> OnnxGraph.load(manager, spec.file(), wrong));
        assertTrue(e.getMessage().contains("SHA-256 mismatch") && e.getMessage().contains(spec.sha256()), e.getMessage());
    }

    @Test
    void anUnknownOperatorIsRefusedAtLoadByName() {
        byte[] model = tinyModel(node("FancyOp", new byte[0]));
        var e = assertThrows(UnsupportedOnnxException.class,
                () -> OnnxGraph.load(manager, "tiny", model, OnnxGraph.sha256(model)));
        assertTrue(e.getMessage().contains("unsupported ONNX operator FancyOp"), e.getMessage());
    }

    @Test
    void aKnownOperatorWithAnUnimplementedAttributeValueIsRefused() {
        byte[] attr = concat(string(1, "auto_pad"), string(4, "SAME_UPPER"), varint(20, 3)); // type STRING
        byte[] model = tinyModel(node("Sigmoid", message(5, attr)));
        var e = assertThrows(UnsupportedOnnxException.class,
                () -> OnnxGraph.load(manager, "tiny", model, OnnxGraph.sha256(model)));
        assertTrue(e.getMessage().contains("attribute 'auto_pad'"), e.getMessage());
    }

    @Test
    void aSupportedTinyGraphLoadsAndRuns() {
        byte[] model = tinyModel(node("Sigmoid", new byte[0]));
        try (OnnxGraph g = OnnxGraph.load(manager, "tiny", model, OnnxGraph.sha256(model))) {
            assertEquals(3 * 4 * 4, g.outputSize());
        }
    }

    @Test
    void aGraphThatMixesTheBatchsSamplesIsRefusedAfterEveryTryMissesNamingTheModel() {
        byte[] axis = concat(string(1, "axis"), varint(3, 0), varint(20, 2)); // type INT
        byte[] model = tinyModel(node("Softmax", message(5, axis))); // a softmax across the batch
        var e = assertThrows(UnsupportedOnnxException.class,
                () -> OnnxGraph.load(manager, "tiny", model, OnnxGraph.sha256(model)));
        assertTrue(e.getMessage().startsWith("tiny: ") && e.getMessage().contains("any of 3 tries")
                && e.getMessage().contains("the outputs differ in 3"), e.getMessage());
    }

    @Test
    void pyTorchStaysDjlsDefaultEngineWithOnnxRuntimeOnTheClasspath() {
        assertTrue(Engine.getAllEngines().contains("OnnxRuntime"), Engine.getAllEngines().toString());
        assertEquals("PyTorch", Engine.getDefaultEngineName());
        assertEquals("PyTorch", Engine.getInstance().getEngineName());
    }

    // ---- a few protobuf writers: enough to build a one-node model ----

    /** A model of opset 13 with one node reading "x" [1,3,4,4] and writing "y". */
    private static byte[] tinyModel(byte[] node) {
        byte[] dims = concat(message(1, varint(1, 1)), message(1, varint(1, 3)), message(1, varint(1, 4)), message(1, varint(1, 4)));
        byte[] type = message(1, concat(varint(1, 1), message(2, dims))); // tensor_type {elem_type FLOAT, shape}
        byte[] input = concat(string(1, "x"), message(2, type));
        byte[] output = concat(string(1, "y"), message(2, message(1, varint(1, 1))));
        byte[] graph = concat(message(1, node), string(2, "tiny"), message(11, input), message(12, output));
        byte[] opset = concat(string(1, ""), varint(2, 13));
        return concat(varint(1, 7), message(8, opset), message(7, graph));
    }

    private static byte[] node(String op, byte[] attributes) {
        return concat(string(1, "x"), string(2, "y"), string(3, "n0"), string(4, op), attributes);
    }

    private static byte[] varint(int field, long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        raw(out, (long) field << 3);
        raw(out, v);
        return out.toByteArray();
    }

    private static byte[] string(int field, String s) {
        return message(field, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] message(int field, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        raw(out, ((long) field << 3) | 2);
        raw(out, body.length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void raw(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
