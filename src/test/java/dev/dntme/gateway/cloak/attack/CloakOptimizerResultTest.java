package dev.dntme.gateway.cloak.attack;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dntme.gateway.cloak.CloakBudget;
import dev.dntme.gateway.cloak.CloakFailedException;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The optimiser's last word on a still, without models: the distance check comes before anything reads the image. */
class CloakOptimizerResultTest {

    @Test
    void aFaceWhosePublishedDistanceIsNaNFailsThePhotoInsteadOfBeingPublished() {
        CloakBudget budget = new CloakBudget(6f, 3, 2, 2, 1, 0.8, 0.65, 0.85);
        List<Target> targets = List.of(new Target(new AffineTransform(), new Rectangle(10, 20, 30, 40)));
        assertThatThrownBy(() -> CloakOptimizer.result(null, null, new double[] {Double.NaN}, new double[] {Double.NaN},
                targets, null, budget, 2, 5))
                .isInstanceOf(CloakFailedException.class)
                .hasMessageContaining("is still NaN from its original");
    }
}
