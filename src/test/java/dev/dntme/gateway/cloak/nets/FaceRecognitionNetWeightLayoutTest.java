package dev.dntme.gateway.cloak.nets;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.SharedModels;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.face.FaceAligner;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The net with contiguous conv weights (what {@link FaceRecognitionNet#load} builds) against the net as
 * first ported, whose weights were strided views that PyTorch copied in every conv call: same function,
 * so the descriptor and the input gradient a PGD step reads must agree within float noise, at batch 1
 * (PyTorch's native conv for most layers) and batch 2 (oneDNN for all of them, the default step). With
 * PyTorch 2.7.1 on CPU they are in fact bitwise equal (the copy was of the weight only, the kernels are
 * the same); the tolerances leave room for a kernel that sums in another order.
 */
class FaceRecognitionNetWeightLayoutTest {

    private static final int S = FaceRecognitionNet.CHIP_SIZE;

    private static NDManager manager;
    private static FaceRecognitionNet contiguous;
    private static FaceRecognitionNet ported;
    private static float[] chip;
    private static float[] noisy;
    private static float[] noisy2;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        contiguous = FaceRecognitionNet.load(manager, CloakProperties.defaults().modelLocation());
        ported = FaceRecognitionNet.loadAsPorted(manager, CloakProperties.defaults().modelLocation());
        BufferedImage image = TestPhotos.read("people/obama/obama-1.jpg");
        chip = FaceAligner.extractChip(image, SharedModels.locator().locate(image).get(0).chipToImage());
        noisy = withNoise(chip, new Random(5));
        noisy2 = withNoise(chip, new Random(6));
    }

    /** The chip plus uniform noise of +-6 levels, as a PGD step sees it part-way. */
    private static float[] withNoise(float[] c, Random r) {
        float[] out = c.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(0, Math.min(255, out[i] + (float) (r.nextDouble() * 12 - 6)));
        }
        return out;
    }

    @AfterAll
    static void close() {
        contiguous.close();
        ported.close();
        manager.close();
    }

    @Test
    void descriptorsOfARealChipAgreeWithThePortedNetAtBatchOneAndTwo() {
        float[][] a = contiguous.describe(chip, noisy);
        float[][] b = ported.describe(chip, noisy);
        float[] single = contiguous.describe(chip)[0];
        float[] singleRef = ported.describe(chip)[0];
        for (int i = 0; i < 2; i++) {
            double d = FaceRecognitionNet.distance(a[i], b[i]);
            assertTrue(d < 1e-4, "batch 2, chip " + i + ": descriptors " + d + " apart");
        }
        double d1 = FaceRecognitionNet.distance(single, singleRef);
        assertTrue(d1 < 1e-4, "batch 1: descriptors " + d1 + " apart");
        // the comparison can fail: the noisy chip is a different input, far above the tolerance
        assertTrue(FaceRecognitionNet.distance(a[0], a[1]) > 1e-3);
    }

    @Test
    void theInputGradientOfARealChipAgreesWithThePortedNetAtBatchOneAndTwo() {
        float[] target = ported.describe(chip)[0];
        for (int batch : new int[] {1, 2}) {
            float[] g = gradient(contiguous, batch, target);
            float[] ref = gradient(ported, batch, target);
            double diff = 0;
            double norm = 0;
            int sameSign = 0;
            int nonZero = 0;
            for (int i = 0; i < g.length; i++) {
                diff += (g[i] - ref[i]) * (double) (g[i] - ref[i]);
                norm += ref[i] * (double) ref[i];
                if (ref[i] != 0) {
                    nonZero++;
                    sameSign += Math.signum(g[i]) == Math.signum(ref[i]) ? 1 : 0;
                }
            }
            double relative = Math.sqrt(diff / norm);
            assertTrue(norm > 0 && nonZero > g.length / 2, "batch " + batch + ": the reference gradient is empty");
            assertTrue(relative < 1e-4, "batch " + batch + ": gradients differ by " + relative + " (relative L2)");
            // what a PGD step uses is the sign: entries whose sign flips are those at float noise level
            assertTrue(sameSign > 0.999 * nonZero, "batch " + batch + ": " + sameSign + " of " + nonZero + " signs agree");
        }
    }

    /** Gradient of the squared distance to {@code target} w.r.t. the chips (two differently noised copies at batch 2). */
    private static float[] gradient(FaceRecognitionNet net, int batch, float[] target) {
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager pass = manager.newSubManager()) {
            JniUtils.setGradMode(true);
            float[] data = new float[batch * chip.length];
            System.arraycopy(noisy, 0, data, 0, chip.length);
            if (batch > 1) {
                System.arraycopy(noisy2, 0, data, chip.length, chip.length);
            }
            NDArray x = pass.create(data, new Shape(batch, 3, S, S));
            x.setRequiresGradient(true);
            NDArray emb = net.forward(x);
            NDArray loss = emb.sub(pass.create(target, new Shape(1, target.length))).square().sum().neg();
            JniUtils.backward((PtNDArray) loss, (PtNDArray) pass.ones(loss.getShape()), false, false);
            return x.getGradient().toFloatArray();
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }
}
