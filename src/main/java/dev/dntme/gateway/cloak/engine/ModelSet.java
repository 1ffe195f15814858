package dev.dntme.gateway.cloak.engine;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.face.FaceLocator;
import dev.dntme.gateway.cloak.face.PublishedFaces;
import dev.dntme.gateway.cloak.recognition.Recognizer;
import dev.dntme.gateway.cloak.recognition.Recognizers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker's models: the face locator and the recognisers in the cloak's loss, the first of them the one
 * that decides failing closed. Each worker loads its own (no native state is shared between threads): every
 * recogniser any level names, once; {@link #forLevel} gives one level's set, in its order.
 */
record ModelSet(NDManager manager, FaceLocator locator, PublishedFaces published, List<Recognizer> recognizers)
        implements AutoCloseable {

    /** The recognisers of one level's loss, in its order; it shares this set's models (close this set, not it). */
    ModelSet forLevel(List<String> names) {
        Map<String, Recognizer> byName = new HashMap<>();
        recognizers.forEach(r -> byName.put(r.name(), r));
        List<Recognizer> level = new ArrayList<>();
        for (String name : names) {
            Recognizer r = byName.get(name);
            if (r == null) {
                throw new IllegalStateException("recogniser " + name + " is not loaded");
            }
            level.add(r);
        }
        return new ModelSet(manager, locator, published, List.copyOf(level));
    }

    static ModelSet load(CloakProperties p) {
        NDManager manager = NDManager.newBaseManager();
        List<Recognizer> loaded = new ArrayList<>();
        FaceLocator locator = null;
        PublishedFaces published = null;
        try {
            Recognizers registry = p.recognizerRegistry();
            for (String name : Attacks.everyRecognizer(p)) {
                loaded.add(registry.load(name, manager));
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
