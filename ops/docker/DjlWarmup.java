import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.util.Utils;

/**
 * Run once in the image's build stage (java source-launcher mode, the application's libraries on the
 * class path): starts DJL's PyTorch engine so that DJL extracts the bundled natives from
 * pytorch-native-cpu into $ENGINE_CACHE_DIR, then does one tensor operation to prove they load.
 * The runtime image copies that cache and never extracts at start-up.
 */
public class DjlWarmup {
    public static void main(String[] args) {
        // Same as GatewayApplication.main: no usage reporting, no network.
        System.setProperty("ai.djl.offline", "true");
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager manager = NDManager.newBaseManager()) {
            float sum = manager.ones(new ai.djl.ndarray.types.Shape(2, 2)).sum().getFloat();
            if (sum != 4f) {
                throw new IllegalStateException("PyTorch gave " + sum + " for the sum of four ones");
            }
        }
        System.out.println("DJL " + engine.getEngineName() + " " + engine.getVersion()
                + " extracted to " + Utils.getEngineCacheDir("pytorch"));
    }
}
