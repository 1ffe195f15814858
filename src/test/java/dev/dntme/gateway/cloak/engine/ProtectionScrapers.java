package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.recognition.Recognizers;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dntme.gateway.benchmark.protection.ScraperModel;
import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import dev.dntme.gateway.cloak.nets.TfjsGraphRecognizer;
import dev.dntme.gateway.cloak.nets.onnx.OnnxGraph;
import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The recognisers a protection benchmark judges published photos with, each behind the same independent front
 * end ({@link ScraperFrontEnd}: Tiny detector + 68 landmarks, SSD fallback) and its own alignment:
 * <ul>
 *   <li>{@code dlib}: face-api's ResNet on dlib's 150x150 chip, euclidean;</li>
 *   <li>{@code faceres}: HSE FaceRes on the same chip, euclidean of unit vectors;</li>
 *   <li>{@code mobileface}: MobileFace on the ArcFace 112 crop, euclidean of unit vectors;</li>
 *   <li>the four ONNX surrogates, each on its own five-point crop at its native size, cosine distance.</li>
 * </ul>
 * A new recogniser is one more {@link AlignedScraper} in {@link #ProtectionScrapers(Set)}.
 */
public final class ProtectionScrapers implements AutoCloseable {

    public static final List<String> NAMES = List.of("dlib", "faceres", "mobileface", "edgeface-xs", "edgeface-xxs",
            "mobilefacenet-y1", "intel-reid-0095");

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
            TfjsGraphRecognizer faceres = TfjsGraphRecognizer.load(manager, Recognizers.builtIn().tfjsSpec(Recognizers.FACERES));
            models.add(new AlignedScraper("faceres", frontEnd, AlignedScraper.Crop.dlibChip(), chip -> faceres.describe(chip)[0],
                    AlignedScraper::euclidean));
        }
        if (names.isEmpty() || names.contains("mobileface")) {
            TfjsGraphRecognizer mobileface = TfjsGraphRecognizer.load(manager, Recognizers.builtIn().tfjsSpec(Recognizers.MOBILEFACE));
            models.add(new AlignedScraper("mobileface", frontEnd, AlignedScraper.Crop.mobileFaceChip(),
                    chip -> mobileface.describe(chip)[0], AlignedScraper::euclidean));
        }
        for (SurrogateModel spec : SurrogateModel.builtIn().values()) {
            if (names.isEmpty() || names.contains(spec.name())) {
                // the model's own five-point crop at its native size, straight from the image (not the cloak's chip)
                OnnxGraph graph = spec.load(manager);
                AlignedScraper.Crop crop = spec == SurrogateModel.INTEL_REID_0095 ? AlignedScraper.Crop.reid0095()
                        : AlignedScraper.Crop.arcFace112();
                boolean bgrCrop = spec == SurrogateModel.INTEL_REID_0095; // that crop is already BGR: undo before toInput
                models.add(new AlignedScraper(spec.name(), frontEnd, crop, chip -> embed(graph, spec, chip, bgrCrop),
                        AlignedScraper::cosine));
            }
        }
        for (String n : names) {
            if (!NAMES.contains(n)) {
                throw new IllegalArgumentException("no scraper " + n + "; known: " + NAMES);
            }
        }
    }

    private float[] embed(OnnxGraph graph, SurrogateModel spec, float[] chw, boolean bgr) {
        try (NDManager pass = manager.newSubManager()) {
            NDArray x = pass.create(chw, new Shape(1, 3, spec.height(), spec.width()));
            if (bgr) {
                x = x.flip(1);
            }
            return graph.forward(spec.toInput(x)).toFloatArray();
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
