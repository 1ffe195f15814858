package dev.dntme.gateway.cloak.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tensors of one TensorFlow.js weights manifest (face-api's {@code *-weights_manifest.json}, or the
 * {@code weightsManifest} embedded in a graph model's {@code model.json}, plus its little-endian {@code .bin}
 * shards), read from the classpath and de-quantised to float32: dtypes float32 and int32, unquantised or
 * quantised as uint8, uint16 (affine: {@code q * scale + min}) or float16.
 *
 * <p>Layout is kept as tfjs stores it (conv kernels {@code [kh,kw,in,out]}); the nets that use
 * a tensor transpose it for PyTorch's {@code [out,in,kh,kw]} themselves.
 */
public final class TfjsWeights {

    public record Tensor(String name, long[] shape, float[] values) {
        NDArray toNd(NDManager manager) {
            return manager.create(values, new Shape(shape));
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ManifestGroup(List<String> paths, List<Entry> weights) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Entry(String name, long[] shape, String dtype, Quantization quantization) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Quantization(String dtype, Double scale, Double min) {}

    private static final Set<String> SUPPORTED_DTYPES = Set.of("float32", "int32");

    private final Map<String, Tensor> tensors;

    private TfjsWeights(Map<String, Tensor> tensors) {
        this.tensors = tensors;
    }

    /**
     * Reads {@code <directory>/<model>-weights_manifest.json} and its shards from the classpath.
     *
     * @param directory classpath folder, e.g. {@code models/face-api}
     * @param model     manifest stem, e.g. {@code face_recognition_model}
     */
    public static TfjsWeights load(String directory, String model) {
        return load(directory, model, Pins.NONE);
    }

    /** @param pins the manifest's and the shards' SHA-256; other bytes are refused before they are parsed */
    public static TfjsWeights load(String directory, String model, Pins pins) {
        String manifestPath = directory + "/" + model + "-weights_manifest.json";
        ManifestGroup[] groups = JsonMapper.builder().build().readValue(readPinned(manifestPath, pins), ManifestGroup[].class);
        return read(directory, groups, manifestPath, pins);
    }

    /**
     * The tensors of a manifest already parsed, e.g. a graph model's {@code weightsManifest}; shard paths are
     * relative to {@code directory} (the classpath root when empty). {@code source} names the file in errors.
     */
    static TfjsWeights fromManifest(String directory, JsonNode manifest, String source, Pins pins) {
        return read(directory, JsonMapper.builder().build().treeToValue(manifest, ManifestGroup[].class), source, pins);
    }

    private static TfjsWeights read(String directory, ManifestGroup[] groups, String source, Pins pins) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (ManifestGroup group : groups) {
            ByteBuffer shard = readShards(directory, group.paths(), pins);
            for (Entry entry : group.weights()) {
                tensors.put(entry.name(), decode(entry, shard));
            }
            if (shard.hasRemaining()) {
                throw new IllegalStateException(source + ": " + shard.remaining() + " bytes left after the last tensor");
            }
        }
        return new TfjsWeights(Map.copyOf(tensors));
    }

    public Tensor get(String name) {
        Tensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("no tensor named " + name);
        }
        return tensor;
    }

    public NDArray nd(NDManager manager, String name) {
        return get(name).toNd(manager);
    }

    boolean contains(String name) {
        return tensors.containsKey(name);
    }

    Set<String> names() {
        return tensors.keySet();
    }

    private static Tensor decode(Entry entry, ByteBuffer shard) {
        if (!SUPPORTED_DTYPES.contains(entry.dtype())) {
            throw new IllegalStateException(entry.name() + ": unsupported dtype " + entry.dtype());
        }
        int count = Math.toIntExact(elementCount(entry.shape()));
        float[] values = new float[count];
        Quantization q = entry.quantization();
        if (q == null) {
            for (int i = 0; i < count; i++) {
                values[i] = "int32".equals(entry.dtype()) ? shard.getInt() : shard.getFloat();
            }
        } else if ("float16".equals(q.dtype())) {
            for (int i = 0; i < count; i++) {
                values[i] = halfToFloat(shard.getShort());
            }
        } else if ("uint8".equals(q.dtype())) {
            for (int i = 0; i < count; i++) {
                values[i] = (float) ((shard.get() & 0xFF) * q.scale() + q.min());
            }
        } else if ("uint16".equals(q.dtype())) {
            for (int i = 0; i < count; i++) {
                values[i] = (float) ((shard.getShort() & 0xFFFF) * q.scale() + q.min());
            }
        } else {
            throw new IllegalStateException(entry.name() + ": unsupported quantization " + q.dtype());
        }
        return new Tensor(entry.name(), entry.shape(), values);
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal (or zero)
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static ByteBuffer readShards(String directory, List<String> paths, Pins pins) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (String path : paths) {
            all.writeBytes(readPinned(directory.isEmpty() ? path : directory + "/" + path, pins));
        }
        return ByteBuffer.wrap(all.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A classpath file's bytes, once they are the pinned ones. */
    static byte[] readPinned(String path, Pins pins) {
        try (InputStream in = TfjsWeights.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("model file not on the classpath: " + path);
            }
            return pins.check(path, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
