package dev.dntme.gateway.cloak;

import ai.djl.ndarray.NDManager;
import dev.dntme.gateway.benchmark.protection.ScraperModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The recognisers a protection benchmark judges published photos with, each behind the same independent front
 * end ({@link ScraperFrontEnd}: Tiny detector + 68 landmarks, SSD fallback) and its own alignment:
 * <ul>
 *   <li>{@code dlib}: face-api's ResNet on dlib's 150x150 chip, euclidean;</li>
 *   <li>{@code faceres}: HSE FaceRes on the same chip, euclidean of unit vectors;</li>
 *   <li>{@code mobileface}: MobileFace on the ArcFace 112 crop, euclidean of unit vectors.</li>
 * </ul>
 * A new recogniser is one more {@link AlignedScraper} in {@link #ProtectionScrapers(Set)}.
 */
public final class ProtectionScrapers implements AutoCloseable {

    public static final List<String> NAMES = List.of("dlib", "faceres", "mobileface");

    private final NDManager manager = NDManager.newBaseManager();
    private final ScraperFrontEnd frontEnd = new ScraperFrontEnd();
    private final List<ScraperModel> models = new ArrayList<>();

    /** @param names which of {@link #NAMES} to load; empty = all */
    public ProtectionScrapers(Set<String> names) {
        if (names.isEmpty() || names.contains("dlib")) {
            FaceRecognitionNet dlib = FaceRecognitionNet.load(manager, "models/face-api");
            models.add(new AlignedScraper("dlib", frontEnd, AlignedScraper.Crop.dlibChip(), chip -> dlib.describe(chip)[0],
                    AlignedScraper::euclidean));
        }
        if (names.isEmpty() || names.contains("faceres")) {
            TfjsGraphRecognizer faceres = TfjsGraphRecognizer.load(manager, FaceRes.spec());
            models.add(new AlignedScraper("faceres", frontEnd, AlignedScraper.Crop.dlibChip(), chip -> faceres.describe(chip)[0],
                    AlignedScraper::euclidean));
        }
        if (names.isEmpty() || names.contains("mobileface")) {
            TfjsGraphRecognizer mobileface = TfjsGraphRecognizer.load(manager, MobileFace.spec());
            models.add(new AlignedScraper("mobileface", frontEnd, AlignedScraper.Crop.mobileFaceChip(),
                    chip -> mobileface.describe(chip)[0], AlignedScraper::euclidean));
        }
        for (String n : names) {
            if (!NAMES.contains(n)) {
                throw new IllegalArgumentException("no scraper " + n + "; known: " + NAMES);
            }
        }
    }

    public List<ScraperModel> models() {
        return List.copyOf(models);
    }

    @Override
    public void close() {
        frontEnd.close();
        manager.close(); // the nets' weights live in sub-managers of this one
    }
}
