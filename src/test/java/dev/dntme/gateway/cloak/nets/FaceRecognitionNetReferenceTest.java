package dev.dntme.gateway.cloak.nets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The port against the real thing: src/test/resources/cloak/faceapi-reference.mjs.txt ran
 * @vladmandic/face-api 1.7.15 on the tfjs CPU backend and stored the descriptor it produced.
 */
class FaceRecognitionNetReferenceTest {

    @Test
    void theDescriptorOfASyntheticChipMatchesFaceApiWithinFloatNoise() throws IOException {
        float[] expected = readReference();
        float[] chip = new float[3 * 150 * 150];
        for (int y = 0; y < 150; y++) {
            for (int x = 0; x < 150; x++) {
                for (int c = 0; c < 3; c++) {
                    chip[c * 150 * 150 + y * 150 + x] = (7 * y + 3 * x + 50 * c + 5 * ((y * x) % 17)) % 256;
                }
            }
        }
        try (NDManager manager = NDManager.newBaseManager();
                FaceRecognitionNet vladmandic = FaceRecognitionNet.load(manager, "models/face-api", 255f);
                FaceRecognitionNet dlib = FaceRecognitionNet.load(manager, "models/face-api")) {
            float[] actual = vladmandic.describe(chip)[0];
            double maxDiff = 0;
            for (int i = 0; i < expected.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
            }
            assertTrue(maxDiff < 1e-4, "max |port - face-api| = " + maxDiff);
            // the production scale (dlib's 256) is a slightly different net input, not a different net
            double d = FaceRecognitionNet.distance(expected, dlib.describe(chip)[0]);
            assertTrue(d > 0 && d < 0.05, "256 vs 255 normalisation moved the descriptor by " + d);
        }
    }

    private static float[] readReference() throws IOException {
        try (InputStream in = FaceRecognitionNetReferenceTest.class.getResourceAsStream(
                "/cloak/faceapi-1.7.15-reference-descriptor.txt")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank()).toArray(String[]::new);
            assertEquals(FaceRecognitionNet.DESCRIPTOR_SIZE, lines.length);
            float[] values = new float[lines.length];
            for (int i = 0; i < lines.length; i++) {
                values[i] = Float.parseFloat(lines[i]);
            }
            return values;
        }
    }
}
