package dev.dntme.gateway.cloak.engine;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.PublishedFaces;
import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import dev.dntme.gateway.cloak.recognition.Recognizer;
import dev.dntme.gateway.cloak.recognition.Recognizers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker's models: the face locator and the recognisers in the cloak's loss, the first of them the one
 * that decides failing closed. Each worker loads its own (no native state is shared between threads).
 */
record ModelSet(NDManager manager, FaceLocator locator, PublishedFaces published, List<Recognizer> recognizers)
        implements AutoCloseable {

    static ModelSet load(CloakProperties p) {
        NDManager manager = NDManager.newBaseManager();
        List<Recognizer> loaded = new ArrayList<>();
        FaceLocator locator = null;
        PublishedFaces published = null;
        try {
            Map<String, SurrogateModel> own = new HashMap<>();
            p.onnxRecognizers().forEach((name, setting) -> own.put(name, setting.spec(name)));
            for (String name : Attacks.recognizerNames(p)) {
                loaded.add(Recognizers.load(name, manager, p.modelLocation(), p.matchThreshold(), own));
            }
            locator = new FaceLocator(p.minDetectionScore().floatValue());
            published = new PublishedFaces(locator, p.redetectOnPublish());
            return new ModelSet(manager, locator, published, List.copyOf(loaded));
        } catch (RuntimeException | Error e) {
            if (locator != null) {
                locator.close();
            }
            if (published != null) {
                published.close();
            }
            loaded.forEach(Recognizer::close);
            manager.close();
            throw e;
        }
    }

    @Override
    public void close() {
        published.close();
        locator.close();
        recognizers.forEach(Recognizer::close);
        manager.close();
    }
}
