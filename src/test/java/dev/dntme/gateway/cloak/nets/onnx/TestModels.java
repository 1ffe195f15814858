package dev.dntme.gateway.cloak.nets.onnx;

import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import java.nio.file.Path;

/** Where the built-in models' files are in the repository (the tests run from its root). */
final class TestModels {

    private TestModels() {}

    static Path path(SurrogateModel spec) {
        return Path.of(spec.file());
    }
}
