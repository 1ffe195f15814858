package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.TransferSettings;
import dev.dntme.gateway.cloak.CloakStrength;
import dev.dntme.gateway.cloak.attack.AttackBuilder;
import dev.dntme.gateway.cloak.attack.AttackOptions;
import dev.dntme.gateway.cloak.attack.Eot;
import dev.dntme.gateway.cloak.attack.Realigner;
import dev.dntme.gateway.cloak.face.PublishedFaces;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.FaceDetector;
import dev.dntme.gateway.cloak.recognition.Recognizer;
import dev.dntme.gateway.cloak.recognition.RecognizerDescriptor;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The cloak's settings turned into an optimiser for one worker. */
final class Attacks {

    private static final Logger log = LoggerFactory.getLogger(Attacks.class);

    private Attacks() {}

    /** The recognisers in a level's loss, the one that decides failing closed first. */
    static List<String> recognizerNames(CloakProperties p, CloakStrength strength) {
        return p.recognizers(strength);
    }

    /** Every recogniser some level uses, each once, in the order the levels name them: what a worker loads. */
    static List<String> everyRecognizer(CloakProperties p) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        for (CloakStrength s : CloakStrength.values()) {
            all.addAll(p.recognizers(s));
        }
        return List.copyOf(all);
    }

    /** The publish check's re-detection, reporting the faces it finds beyond the cloaked ones (a frame's new face). */
    static Realigner realigner(PublishedFaces published) {
        return new Realigner() {
            @Override
            public List<List<float[]>> realign(BufferedImage image, List<Rectangle2D> boxes) {
                return published.alignments(image, boxes);
            }

            @Override
            public Realigned realignAll(BufferedImage image, List<Rectangle2D> boxes) {
                PublishedFaces.Found found = published.search(image, boxes);
                return new Realigned(found.alignments(), found.others());
            }
        };
    }

    /**
     * @param beforeStep runs before every step: the engine re-splits the cores there, so that a photo that began
     *                   alone on every core gives half back as soon as a second one starts
     */
    static AttackBuilder builder(CloakProperties p, ModelSet models, Runnable beforeStep) {
        TransferSettings t = p.transfer();
        AttackOptions options = new AttackOptions(t.cell(), t.momentum(), t.tiSigma(), p.targetFaceSsim(), t.adaptiveMaxEps(),
                t.adaptiveMinSsim(), t.adaptiveOutsideBox(), beforeStep,
                // what the early check (CloakProperties.Level.checkMargin) is calibrated from
                (round, steps, estimated, published) -> {
                    if (log.isDebugEnabled()) {
                        log.debug("publish check {} after {} steps: estimated {} published {}", round, steps,
                                java.util.Arrays.toString(estimated), java.util.Arrays.toString(published));
                    }
                }, null, p.othersPerStep(), t.adaptiveMode().equals("masking"));
        AttackBuilder attack = new AttackBuilder(models.manager(), FaceAligner::extractChip, realigner(models.published()),
                new Eot(t.eotZoom(), t.eotShift(), t.eotBlur()), options);
        List<Recognizer> recognizers = models.recognizers();
        Recognizer first = recognizers.get(0);
        // the first member's target is the strength's; the others are pushed past their own threshold, with a margin
        attack.member(first, p.recognizerWeights().getOrDefault(first.name(), 1.0), 0.0);
        for (Recognizer r : recognizers.subList(1, recognizers.size())) {
            if (!p.ensemble()) {
                attack.member(r, p.recognizerWeights().getOrDefault(r.name(), 1.0), r.threshold() * p.memberTargetRatio());
            } else {
                attack.member(r, t.extraWeight(), p.ensembleTargetDistance()); // the older ensemble settings
            }
        }
        // the ensemble's feature term reads the second member's map where its descriptor names one; the transfer
        // options' term reads a dlib-format leader's stage (a setting, so it stays out of the descriptor)
        if (recognizers.size() > 1 && recognizers.get(1).descriptor().featureNode() != null) {
            attack.feature(recognizers.get(1), recognizers.get(1).descriptor().featureNode(), p.ensembleFeatureWeight());
        }
        if (first.descriptor().format() == RecognizerDescriptor.Format.FACE_API_DLIB) {
            attack.feature(first, t.dlibFeatureStage(), t.dlibFeatureWeight());
        }
        // the worker's own SSD copy, freed with its model manager
        if (t.detectorWeight() > 0) {
            attack.detector(new FaceDetector(models.manager()), t.detectorWeight());
        }
        return attack;
    }
}
