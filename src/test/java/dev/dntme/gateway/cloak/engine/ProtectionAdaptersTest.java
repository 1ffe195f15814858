package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.nets.surrogates.FivePointCrop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.dntme.gateway.benchmark.protection.SystemPropertyBinding;
import dev.dntme.gateway.cloak.CloakProperties;
import java.awt.geom.AffineTransform;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The protection benchmark's adapters, without models: settings binding and the five-point alignment. */
class ProtectionAdaptersTest {

    @Test
    void noBenchmarkCloakSettingsBindToTheServiceDefaults() {
        CloakProperties bound = SystemPropertyBinding.bind("dntme.cloak", CloakProperties.class, Map.of());
        assertThat(bound).isEqualTo(CloakProperties.defaults());
    }

    @Test
    void benchmarkCloakSettingsReachTheCloakPropertiesAsTheServiceWouldBindThem() {
        java.util.Properties system = new java.util.Properties();
        system.setProperty("benchmark.cloak.medium.epsilon", "8");
        system.setProperty("benchmark.cloak.transfer.ensemble-model", "mobileface");
        system.setProperty("dntme.cloak.ensemble", "true");
        system.setProperty("benchmark.label", "not a cloak setting");
        Map<String, String> settings = SystemPropertyBinding.collect("dntme.cloak", system);
        assertThat(settings).containsOnlyKeys("dntme.cloak.medium.epsilon", "dntme.cloak.transfer.ensemble-model", "dntme.cloak.ensemble");
        CloakProperties bound = SystemPropertyBinding.bind("dntme.cloak", CloakProperties.class, settings);
        assertThat(bound.medium().epsilon()).isEqualTo(8f);
        assertThat(bound.medium().steps()).isEqualTo(CloakProperties.defaults().medium().steps());
        assertThat(bound.ensemble()).isTrue();
        assertThat(bound.transfer().mobileFace()).isTrue();
    }

    @Test
    void anOutOfRangeBenchmarkCloakSettingIsRefusedLikeAtStartUp() {
        assertThatThrownBy(() -> SystemPropertyBinding.bind("dntme.cloak", CloakProperties.class, Map.of("dntme.cloak.workers", "0")))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void theGenericFivePointCropReproducesMobileFacesOwnArcFaceAlignment() {
        float[] landmarks = new float[136];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 68; i++) { // a tilted face, about 100 px wide, around (120, 130)
            double x = 70 + 100 * r.nextDouble(), y = 80 + 110 * r.nextDouble();
            landmarks[2 * i] = (float) (120 + 0.96 * (x - 120) - 0.28 * (y - 130));
            landmarks[2 * i + 1] = (float) (130 + 0.28 * (x - 120) + 0.96 * (y - 130));
        }
        AffineTransform generic = AlignedScraper.cropToImage(AlignedScraper.ARCFACE_112, 112, 112, 150, 150, landmarks);
        AffineTransform own = FivePointCrop.arcFaceChipToImage(landmarks);
        double[] g = new double[6], o = new double[6];
        generic.getMatrix(g);
        own.getMatrix(o);
        for (int i = 0; i < 6; i++) {
            assertThat(g[i]).isEqualTo(o[i], offset(1e-6));
        }
    }

    @Test
    void theReidCropStretchesTheNarrowTemplateToASquareAndSwapsToBgr() {
        float[] landmarks = new float[136];
        AffineTransform t = AlignedScraper.cropToImage(AlignedScraper.ARCFACE_96X112, 96, 112, 128, 128, fivePointFace(landmarks));
        // 128 crop pixels span 96 template pixels across and 112 down: a stretch, not a similarity
        assertThat(Math.hypot(t.getScaleX(), t.getShearY()) / Math.hypot(t.getShearX(), t.getScaleY())).isEqualTo(96.0 / 112, offset(1e-9));
        java.awt.image.BufferedImage red = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                red.setRGB(x, y, 0xFF0000);
            }
        }
        float[] crop = AlignedScraper.sample(red, new AffineTransform(0.25, 0, 0, 0.25, 10, 10), 8, 8, true);
        assertThat(crop[0]).isZero(); // B plane first
        assertThat(crop[2 * 64]).isEqualTo(255f, offset(1e-3f)); // R plane last
    }

    /** Landmarks whose five ArcFace points sit exactly on the 96x112 template, shifted by (100, 50). */
    private static float[] fivePointFace(float[] l) {
        double[][] t = AlignedScraper.ARCFACE_96X112;
        for (int i = 36; i <= 47; i++) {
            double[] eye = i <= 41 ? t[0] : t[1];
            l[2 * i] = (float) (eye[0] + 100);
            l[2 * i + 1] = (float) (eye[1] + 50);
        }
        int[][] others = {{30, 2}, {48, 3}, {54, 4}};
        for (int[] o : others) {
            l[2 * o[0]] = (float) (t[o[1]][0] + 100);
            l[2 * o[0] + 1] = (float) (t[o[1]][1] + 50);
        }
        return l;
    }
}
