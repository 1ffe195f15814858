package dev.dntme.gateway.cloak.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.TransferSettings;
import dev.dntme.gateway.cloak.CloakSettings;
import dev.dntme.gateway.cloak.attack.ChipWarp;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import org.junit.jupiter.api.Test;

/** The transfer options' pure parts: defaults, TI smoothing, shared-region warps. */
class TransferOptionsTest {

    @Test
    void defaultsReproduceThePlainCloak() {
        TransferSettings t = CloakProperties.defaults().transfer();
        assertEquals(0.0, t.momentum());
        assertEquals(0.0, t.tiSigma());
        assertEquals(1.0, t.cell());
        assertEquals(0.06, t.eotZoom());
        assertEquals(2.0, t.eotShift());
        assertEquals(1.0, t.eotBlur());
        assertEquals("faceres", t.ensembleModel());
        assertEquals(1.0, t.extraWeight());
        assertEquals(0.0, t.adaptiveMaxEps());
        assertEquals(0.0, t.dlibFeatureWeight());
        assertEquals(false, t.adaptiveOutsideBox());
        assertEquals("ssim", t.adaptiveMode());
        DjlCloakEngine engine = new DjlCloakEngine(CloakSettings.of(CloakSettings.dlibAlone()),
                p -> { throw new IllegalStateException("not loaded in this test"); });
        try {
            assertEquals(DjlCloakEngine.OWN_BOX_MODEL_VERSION, engine.modelVersion());
        } finally {
            engine.destroy();
        }
        assertThrows(IllegalArgumentException.class, () -> new TransferSettings(null, null, null, null, null, null, "arcface", null));
    }

    @Test
    void aDlibFeatureStageThatTheNetDoesNotHaveIsRefused() {
        assertEquals("conv64_3", CloakProperties.defaults().transfer().dlibFeatureStage());
        assertThrows(IllegalArgumentException.class,
                () -> new TransferSettings(null, null, null, null, null, null, null, null, null, null, null, 1.0, "conv99_1", null, null));
    }

    @Test
    void aWarpOnALargerSharedRegionSamplesTheSameChip() {
        AffineTransform t = new AffineTransform(1.2, 0.1, -0.1, 1.2, 40, 30);
        Rectangle own = ChipWarp.regionOf(t, 400, 400);
        Rectangle wider = own.union(new Rectangle(10, 5, 50, 50));
        ChipWarp a = new ChipWarp(t, 400, 400, 1.0);
        ChipWarp b = new ChipWarp(t, wider, 1.0);
        assertEquals(own, a.region);
        assertEquals(wider, b.region);
    }
}
