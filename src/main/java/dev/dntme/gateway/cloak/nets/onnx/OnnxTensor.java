package dev.dntme.gateway.cloak.nets.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.cloak.nets.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A TensorProto's values as little-endian bytes of its element type, whether the file stored them in
 * {@code raw_data} or in the typed repeated fields: one form for DJL to copy from.
 */
record OnnxTensor(String name, int dataType, long[] dims, ByteBuffer data) {

    /** ONNX TensorProto.DataType codes accepted here. */
    static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    static final int INT32 = TensorProto.DataType.INT32_VALUE;
    static final int INT64 = TensorProto.DataType.INT64_VALUE;
    static final int BOOL = TensorProto.DataType.BOOL_VALUE;
    static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;

    static OnnxTensor of(TensorProto t) {
        OnnxModel.checkStorage(t);
        String name = t.getName();
        int type = t.getDataType();
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        DataType djl = djlType(type, "tensor '" + name + "'");
        int bytes = Math.toIntExact(count * djl.getNumOfBytes());
        if (t.hasRawData()) {
            if (t.getRawData().size() != bytes) {
                throw new UnsupportedOnnxException("tensor '" + name + "': raw_data has " + t.getRawData().size()
                        + " bytes, its shape needs " + bytes);
            }
            return new OnnxTensor(name, type, dims, t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
        }
        ByteBuffer data = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case FLOAT -> requireCount(name, t.getFloatDataList(), count).forEach(data::putFloat);
            case DOUBLE -> requireCount(name, t.getDoubleDataList(), count).forEach(data::putDouble);
            case INT64 -> requireCount(name, t.getInt64DataList(), count).forEach(data::putLong);
            case INT32 -> requireCount(name, t.getInt32DataList(), count).forEach(data::putInt);
            default -> requireCount(name, t.getInt32DataList(), count).forEach(x -> data.put((byte) (x != 0 ? 1 : 0))); // BOOL
        }
        data.flip();
        return new OnnxTensor(name, type, dims, data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    NDArray toNd(NDManager manager) {
        return manager.create(data.duplicate().order(ByteOrder.LITTLE_ENDIAN), new Shape(dims), djlType(dataType, name));
    }

    static DataType djlType(int onnxType, String what) {
        return switch (onnxType) {
            case FLOAT -> DataType.FLOAT32;
            case INT32 -> DataType.INT32;
            case INT64 -> DataType.INT64;
            case BOOL -> DataType.BOOLEAN;
            case DOUBLE -> DataType.FLOAT64;
            default -> throw new UnsupportedOnnxException("unsupported tensor data type " + onnxType + " in " + what);
        };
    }

    private static <T> List<T> requireCount(String name, List<T> values, long need) {
        if (values.size() != need) {
            throw new UnsupportedOnnxException("tensor '" + name + "' has " + values.size() + " values, its shape needs " + need);
        }
        return values;
    }
}
