package dev.dntme.gateway.cloak.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.CloakSettings;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.CloakUnavailableException;
import dev.dntme.gateway.cloak.TestPhotos;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class DjlCloakEngineUnavailableTest {

    @Test
    void anEngineWhoseModelsCannotLoadIsNeverReadyAndRefusesToCloak() throws InterruptedException {
        CloakProperties missing = CloakSettings.of("model-location", "models/no-such-folder", "workers", "1", "intra-op-threads", "1");
        DjlCloakEngine engine = new DjlCloakEngine(missing);
        try {
            assertFalse(engine.awaitReady(60_000));
            assertFalse(engine.isReady());
            BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            assertThrows(CloakUnavailableException.class, () -> engine.cloak(image, CloakStrength.MEDIUM, TestPhotos::jpeg90));
        } finally {
            engine.destroy();
        }
    }
}
