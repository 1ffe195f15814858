package dev.dntme.gateway.cloak.nets.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.FunctionProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.GraphProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.ModelProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.NodeProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.OperatorSetIdProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.StringStringEntryProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.TensorProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.TensorShapeProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.TypeProto;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.ValueInfoProto;
import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The file format as the generated schema classes read it: ModelProto fields the interpreter has no use for
 * (metadata_props, field 14) change nothing; model-local functions (field 25) are refused. The hand-written reader
 * this replaced took field 14 for functions and refused any model carrying metadata.
 */
class OnnxModelTest {

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
    void anAdoptedModelWithMetadataPropsLoadsAndGivesTheSameOutputs() throws IOException {
        SurrogateModel spec = SurrogateModel.MOBILEFACENET_Y1;
        byte[] plain = Files.readAllBytes(TestModels.path(spec));
        byte[] tagged = ModelProto.parseFrom(plain).toBuilder()
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("author").setValue("dntme tests"))
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("converted_from").setValue("pytorch"))
                .build().toByteArray();
        assertThat(ModelProto.parseFrom(tagged).getMetadataPropsCount()).isEqualTo(2);

        float[] pixels = new float[3 * spec.height() * spec.width()];
        Random rng = new Random(11);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = rng.nextFloat() * 255f;
        }
        try (NDManager pass = manager.newSubManager();
                OnnxGraph without = OnnxGraph.load(manager, "plain", plain, OnnxGraph.sha256(plain));
                OnnxGraph with = OnnxGraph.load(manager, "tagged", tagged, OnnxGraph.sha256(tagged))) {
            var input = spec.toInput(pass.create(pixels, new Shape(1, 3, spec.height(), spec.width())));
            float[] a = without.forward(pass, input).toFloatArray();
            float[] b = with.forward(pass, input).toFloatArray();
            assertThat(b).hasSize(spec.embeddingSize()).containsExactly(a);
        }
    }

    @Test
    void aTinyModelWithMetadataPropsLoads() {
        byte[] model = tinyModel().addMetadataProps(StringStringEntryProto.newBuilder().setKey("k").setValue("v"))
                .build().toByteArray();
        try (OnnxGraph g = OnnxGraph.load(manager, "tiny", model, OnnxGraph.sha256(model))) {
            assertThat(g.outputSize()).isEqualTo(3 * 4 * 4);
        }
    }

    @Test
    void aModelWithModelLocalFunctionsIsRefusedNamingFunctions() {
        FunctionProto f = FunctionProto.newBuilder().setName("LocalSigmoid").setDomain("dntme.test")
                .addInput("a").addOutput("b")
                .addNode(NodeProto.newBuilder().setOpType("Sigmoid").addInput("a").addOutput("b"))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .build();
        byte[] model = tinyModel().addFunctions(f).build().toByteArray();
        assertThatThrownBy(() -> OnnxGraph.load(manager, "tiny", model, OnnxGraph.sha256(model)))
                .isInstanceOf(UnsupportedOnnxException.class)
                .hasMessageContaining("model-local functions are not supported")
                .hasMessageContaining("LocalSigmoid");
    }

    @Test
    void anInitializerWithExternalDataIsRefused() {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(1)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin"))
                .build();
        ModelProto.Builder b = tinyModel();
        b.getGraphBuilder().addInitializer(w);
        byte[] model = b.build().toByteArray();
        assertThatThrownBy(() -> OnnxGraph.load(manager, "tiny", model, OnnxGraph.sha256(model)))
                .isInstanceOf(UnsupportedOnnxException.class)
                .hasMessageContaining("tensor w uses external data");
    }

    /** Opset 13, one Sigmoid from "x" [1,3,4,4] to "y". */
    private static ModelProto.Builder tinyModel() {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : new long[] {1, 3, 4, 4}) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        ValueInfoProto x = ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
        ValueInfoProto y = ValueInfoProto.newBuilder().setName("y").setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))).build();
        GraphProto graph = GraphProto.newBuilder().setName("tiny")
                .addNode(NodeProto.newBuilder().setName("n0").setOpType("Sigmoid").addInput("x").addOutput("y"))
                .addInput(x).addOutput(y).build();
        return ModelProto.newBuilder().setIrVersion(7)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph);
    }
}
