package dev.dntme.gateway.cloak;

import dev.dntme.gateway.cloak.attack.CloakOptimizer;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.LocatedFace;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One portrait through the benchmarks' publish path: decode, locate its face, cloak at MEDIUM with the
 * JPEG q90 encoder, decode the published bytes and locate the faces a scraper would find there.
 *
 * @param failure the engine's reason when it failed closed (nothing published); null otherwise
 */
public record PortraitRun(BufferedImage original, LocatedFace face, CloakedImage cloaked, double millis,
        BufferedImage published, List<LocatedFace> publishedFaces, String failure) {

    /** Empty when the photo has no detectable face. */
    public static Optional<PortraitRun> of(CloakEngine engine, FaceLocator locator, Path photo) {
        BufferedImage original = TestPhotos.read(photo);
        List<LocatedFace> faces = locator.locate(original);
        if (faces.isEmpty()) {
            return Optional.empty();
        }
        long t0 = System.nanoTime();
        try {
            CloakedImage cloaked = engine.cloak(original, CloakStrength.MEDIUM, TestPhotos::jpeg90);
            double millis = (System.nanoTime() - t0) / 1e6;
            BufferedImage published = CloakOptimizer.decode(cloaked.encoded());
            return Optional.of(new PortraitRun(original, faces.get(0), cloaked, millis, published,
                    locator.locate(published), null));
        } catch (CloakFailedException e) {
            return Optional.of(new PortraitRun(original, faces.get(0), null, 0, null, List.of(), e.getMessage()));
        }
    }

    public boolean failedClosed() {
        return failure != null;
    }
}
