package dev.dntme.gateway.cloak;

/**
 * One detector + landmark model set for the face-model test classes, loaded once per test JVM instead
 * of once per class (it is read-only and {@link FaceLocator#locate} is thread-safe). Its native memory
 * is freed when the JVM exits.
 */
final class SharedModels {

    private static FaceLocator locator;

    private SharedModels() {
    }

    static synchronized FaceLocator locator() {
        if (locator == null) {
            System.setProperty("ai.djl.offline", "true");
            locator = new FaceLocator();
        }
        return locator;
    }
}
