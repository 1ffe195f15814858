package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.CloakBudget;
import dev.dntme.gateway.cloak.CloakEngine.ImageEncoder;
import dev.dntme.gateway.cloak.attack.CloakOptimizer;
import dev.dntme.gateway.cloak.attack.Target;
import dev.dntme.gateway.cloak.face.LocatedFace;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The cloak of one still on one worker: its faces found, then cloaked within its level's budget. On the photo's last
 * try a face the budget cannot protect goes to {@link HardFaces} (the repair pass, then obscured or failing closed);
 * otherwise it fails the photo closed, and the caller's fallback level comes next.
 */
final class StillPass {

    private final ModelSet models;
    private final CloakOptimizer optimizer;
    private final CloakBudget budget;
    private final HardFaces lastTry;

    /** @param lastTry null: not the photo's last try */
    StillPass(ModelSet models, CloakOptimizer optimizer, CloakBudget budget, HardFaces lastTry) {
        this.models = models;
        this.optimizer = optimizer;
        this.budget = budget;
        this.lastTry = lastTry;
    }

    /** The cloaked faces, measured on the published bytes; null when the photo shows no face. */
    HardFaces.Outcome cloak(BufferedImage image, ImageEncoder encoder, Random random) {
        List<LocatedFace> faces = models.locator().locate(image);
        if (faces.isEmpty()) {
            return null;
        }
        List<Target> targets = new ArrayList<>();
        for (LocatedFace face : faces) {
            targets.add(new Target(face.chipToImage(), face.box().getBounds(), face.landmarks()));
        }
        if (lastTry == null) {
            return HardFaces.Outcome.of(optimizer.cloak(image, targets, budget, encoder, random), false);
        }
        CloakOptimizer.Result first = optimizer.attempt(image, targets, budget, encoder, random, null);
        return first.cleared() ? HardFaces.Outcome.of(first, false) : lastTry.settle(image, targets, first, encoder, random);
    }

    /** The first pass through each op is several times slower (allocation, kernel selection): pay it at load. */
    static void warmUp(ModelSet models, CloakOptimizer optimizer) {
        BufferedImage noise = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(7);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 200; x++) {
                noise.setRGB(x, y, r.nextInt(0x1000000));
            }
        }
        models.locator().locate(noise);
        CloakBudget warm = new CloakBudget(4f, 2, 0, 1, 2, 0.0, 0.0, 0.0);
        AffineTransform identity = AffineTransform.getTranslateInstance(25, 25);
        optimizer.cloak(noise, List.of(new Target(identity, new Rectangle(25, 25, 150, 150))), warm, StillPass::png, r);
    }

    private static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
