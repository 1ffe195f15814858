package dev.dntme.gateway.cloak.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The texture-adaptive caps on a real photo: where they go, their ceiling, their SSIM cost. */
class PerceptualBudgetTest {

    private static final float EPS = 6f;
    private static final float MAX = 15f;

    @Test
    void aFlattenedHalfOfARealPhotoGetsSmallerCapsThanItsTexturedHalfAndNoneExceedTheMax() throws Exception {
        BufferedImage photo = ImageIO.read(Path.of("src/test/resources/faces/people/obama/obama-1.jpg").toFile());
        ChipWarp warp = chipOver(photo, 240);
        float[] base = warp.readRegion(photo);
        int w = warp.region.width;
        int h = warp.region.height;
        int plane = w * h;
        // flatten the left half to its mean colour: no texture left there to hide a change
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w / 2; x++) {
                    sum += base[c * plane + y * w + x];
                }
            }
            float mean = (float) (sum / (h * (w / 2)));
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w / 2; x++) {
                    base[c * plane + y * w + x] = mean;
                }
            }
        }
        Rectangle box = warp.region;
        float[] caps = PerceptualBudget.caps(warp, base, box, EPS, MAX);

        assertEquals(warp.gridH * warp.gridW, caps.length);
        double flat = 0, textured = 0;
        int nFlat = 0, nTextured = 0;
        for (int j = 0; j < warp.gridH; j++) {
            for (int k = 0; k < warp.gridW; k++) {
                float c = caps[j * warp.gridW + k];
                assertTrue(c > 0 && c <= MAX, "cap " + c + " outside (0, " + MAX + "]");
                // a margin of cells either side of the seam, where the window sees both halves
                if (k < warp.gridW / 2 - 8) {
                    flat += c;
                    nFlat++;
                } else if (k > warp.gridW / 2 + 8) {
                    textured += c;
                    nTextured++;
                }
            }
        }
        flat /= nFlat;
        textured /= nTextured;
        assertTrue(flat < EPS, "flat half mean cap " + flat + " should be under the uniform " + EPS);
        assertTrue(textured > 1.3 * flat, "textured half mean cap " + textured + " vs flat " + flat);
    }

    @Test
    void theCapsCostAboutAsMuchFaceSsimAsTheUniformEpsilon() throws Exception {
        BufferedImage photo = ImageIO.read(Path.of("src/test/resources/faces/people/biden/biden-1.jpg").toFile());
        ChipWarp warp = chipOver(photo, 200);
        float[] base = warp.readRegion(photo);
        float[] caps = PerceptualBudget.caps(warp, base, warp.region, EPS, MAX);
        float[] a = PerceptualBudget.allowance(base, warp.region.width, warp.region.height);
        float[] pixel = PerceptualBudget.pixelCaps(warp, caps);
        double cost = 0, uniform = 0;
        float largest = 0;
        for (int i = 0; i < a.length; i++) {
            cost += pixel[i] * pixel[i] / (a[i] * a[i]);
            uniform += EPS * EPS / (a[i] * a[i]);
            largest = Math.max(largest, pixel[i]);
        }
        assertTrue(largest <= MAX + 1e-4, "upsampled caps stay under the max: " + largest);
        assertEquals(1.0, cost / uniform, 0.1, "SSIM cost relative to the uniform cap");
    }

    @Test
    void outsideTheFaceBoxTheUniformEpsilonStaysTheCeilingUnlessAllowed() throws Exception {
        BufferedImage photo = ImageIO.read(Path.of("src/test/resources/faces/people/obama/obama-1.jpg").toFile());
        ChipWarp warp = chipOver(photo, 240);
        float[] base = warp.readRegion(photo);
        Rectangle box = new Rectangle(warp.region.x + warp.region.width / 4, warp.region.y + warp.region.height / 4,
                warp.region.width / 2, warp.region.height / 2);
        float[] inside = PerceptualBudget.caps(warp, base, box, EPS, MAX);
        float[] everywhere = PerceptualBudget.caps(warp, base, box, EPS, MAX, true);
        float outsideMax = 0, outsideMaxAllowed = 0, insideMax = 0;
        for (int j = 0; j < warp.gridH; j++) {
            for (int k = 0; k < warp.gridW; k++) {
                int i = j * warp.gridW + k;
                boolean central = j > warp.gridH / 4 + 2 && j < 3 * warp.gridH / 4 - 2 && k > warp.gridW / 4 + 2 && k < 3 * warp.gridW / 4 - 2;
                boolean outer = j < warp.gridH / 4 - 2 || j > 3 * warp.gridH / 4 + 2 || k < warp.gridW / 4 - 2 || k > 3 * warp.gridW / 4 + 2;
                if (central) {
                    insideMax = Math.max(insideMax, inside[i]);
                } else if (outer) {
                    outsideMax = Math.max(outsideMax, inside[i]);
                    outsideMaxAllowed = Math.max(outsideMaxAllowed, everywhere[i]);
                }
            }
        }
        assertTrue(outsideMax <= EPS, "outside the box " + outsideMax);
        assertTrue(insideMax > EPS, "inside the box the textured parts take more than eps: " + insideMax);
        assertTrue(outsideMaxAllowed > EPS, "allowed outside: " + outsideMaxAllowed);
    }

    @Test
    void aMaxAtOrUnderTheUniformEpsilonIsAUniformCap() throws Exception {
        BufferedImage photo = ImageIO.read(Path.of("src/test/resources/faces/people/biden/biden-1.jpg").toFile());
        ChipWarp warp = new ChipWarp(AffineTransform.getScaleInstance(1.0, 1.0), photo.getWidth(), photo.getHeight(), 1.0);
        for (float c : PerceptualBudget.caps(warp, warp.readRegion(photo), warp.region, EPS, 5f)) {
            assertEquals(5f, c);
        }
    }

    @Test
    void maskingCapsKeepTheBudgetOffFlatSkinMoreThanSsimCapsAtTheSameMeanCap() throws Exception {
        BufferedImage photo = ImageIO.read(Path.of("src/test/resources/faces/people/obama/obama-1.jpg").toFile());
        ChipWarp warp = chipOver(photo, 240);
        float[] base = warp.readRegion(photo);
        int w = warp.region.width;
        int plane = w * warp.region.height;
        float[] ssim = PerceptualBudget.pixelCaps(warp, PerceptualBudget.caps(warp, base, warp.region, EPS, MAX, false,
                PerceptualBudget.Mode.SSIM));
        float[] masking = PerceptualBudget.pixelCaps(warp, PerceptualBudget.caps(warp, base, warp.region, EPS, MAX, false,
                PerceptualBudget.Mode.MASKING));
        float[] spread = PerceptualBudget.masking(base, w, warp.region.height);
        // the flattest quarter of the pixels (what the eye sees a change on first) and the mean cap
        float[] sorted = spread.clone();
        java.util.Arrays.sort(sorted);
        float flatBelow = sorted[plane / 4];
        double flatSsim = 0, flatMasking = 0, meanMasking = 0;
        int flat = 0;
        for (int i = 0; i < plane; i++) {
            meanMasking += masking[i];
            assertTrue(masking[i] <= MAX + 1e-4, "cap " + masking[i] + " over the max");
            if (spread[i] <= flatBelow) {
                flatSsim += ssim[i];
                flatMasking += masking[i];
                flat++;
            }
        }
        meanMasking /= plane;
        assertEquals(EPS, meanMasking, 0.6, "the masking caps' mean is the uniform epsilon");
        assertTrue(flatMasking / flat < 0.75 * flatSsim / flat,
                "flat pixels: masking " + flatMasking / flat + " vs SSIM " + flatSsim / flat);
        assertTrue(flatMasking / flat < 0.6 * EPS, "flat pixels keep under 60% of eps: " + flatMasking / flat);
    }

    /** A chip over the photo's top-left square of at most {@code maxSide} pixels (about 1.6 image pixels per chip pixel at 240). */
    private static ChipWarp chipOver(BufferedImage photo, int maxSide) {
        int side = Math.min(maxSide, Math.min(photo.getWidth(), photo.getHeight()));
        AffineTransform chipToImage = AffineTransform.getScaleInstance((side - 1.0) / (ChipWarp.S - 1), (side - 1.0) / (ChipWarp.S - 1));
        return new ChipWarp(chipToImage, photo.getWidth(), photo.getHeight(), 1.0);
    }
}
