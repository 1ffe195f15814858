package dev.dntme.gateway.cloak;

import dev.dntme.gateway.cloak.face.FaceDetector;
import dev.dntme.gateway.cloak.face.FaceLocator;

/**
 * One detector + landmark model set for the face-model test classes, loaded once per test JVM instead
 * of once per class (it is read-only and {@link FaceLocator#locate} is thread-safe). Its native memory
 * is freed when the JVM exits.
 */
public final class SharedModels {

    private static FaceLocator locator;
    private static FaceDetector detector;
    private static ai.djl.ndarray.NDManager detectorManager;

    private SharedModels() {
    }

    public static synchronized FaceLocator locator() {
        if (locator == null) {
            System.setProperty("ai.djl.offline", "true");
            locator = new FaceLocator();
        }
        return locator;
    }

    /** The SSD face detector alone, for tests of the detector itself and of the cloak's detector term. */
    public static synchronized FaceDetector detector() {
        if (detector == null) {
            System.setProperty("ai.djl.offline", "true");
            detectorManager = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
            detector = new FaceDetector(detectorManager);
        }
        return detector;
    }

    /** The manager the shared detector lives in, for tests' own sub-managers. */
    public static synchronized ai.djl.ndarray.NDManager detectorManager() {
        detector();
        return detectorManager;
    }
}
