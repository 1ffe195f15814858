package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.CloakBudget;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.FrameListener;
import dev.dntme.gateway.cloak.FrameSource;
import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.cloak.attack.Ssim;
import dev.dntme.gateway.cloak.attack.Target;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.LocatedFace;
import dev.dntme.gateway.cloak.recognition.Recognizer;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The check of a finished animation or video, on the decoded published file: in every frame, each face the cloak
 * pass cloaked (at its own alignment) and each face the detector finds in the published frame (at the alignment it
 * finds) is described in the published frame and compared with its clean face (see {@link #check}); a distance under
 * the fail bar anywhere fails the whole file. This is what a scraper that splits a clip into frames sees.
 */
final class FrameCheck {

    private final ModelSet models;
    private final CloakBudget budget;

    FrameCheck(ModelSet models, CloakBudget budget) {
        this.models = models;
        this.budget = budget;
    }

    /** The cloaked face a detection belongs to (IoU at least {@link FrameSequence#SAME_FACE_IOU}), or null. */
    private static Target overlapping(List<Target> cloaked, Rectangle box) {
        Target best = null;
        double bestIou = FrameSequence.SAME_FACE_IOU;
        for (Target t : cloaked) {
            double iou = FrameSequence.iou(t.box(), box);
            if (iou >= bestIou) {
                best = t;
                bestIou = iou;
            }
        }
        return best;
    }

    /** Per-face figures of the least protected frame, and the file's totals. */
    ProtectionReceipt.Frames check(FrameSequence.Pass pass, FrameSource originals, FrameSource published, FrameListener listener,
            List<ProtectionReceipt.Face> worstFrame) {
        Recognizer recognizer = models.recognizers().get(0);
        int index = 0;
        int withFaces = 0;
        int checked = 0;
        double minDistance = Double.POSITIVE_INFINITY;
        double minSsim = Double.POSITIVE_INFINITY;
        double ssimSum = 0;
        int ssimCount = 0;
        BufferedImage original;
        while ((original = CallerFailure.caller(originals::next)) != null) {
            long start = System.nanoTime();
            BufferedImage shown = CallerFailure.caller(published::next);
            if (shown == null || index >= pass.frames()) {
                throw new CloakFailedException("the published file has " + index + " frames, the cloak pass made " + pass.frames());
            }
            if (shown.getWidth() != original.getWidth() || shown.getHeight() != original.getHeight()) {
                throw new CloakFailedException("published frame " + index + " is " + shown.getWidth() + "x" + shown.getHeight()
                        + ", its original " + original.getWidth() + "x" + original.getHeight());
            }
            List<Target> cloaked = pass.targets.get(index);
            List<AffineTransform> alignments = new ArrayList<>();
            List<AffineTransform> references = new ArrayList<>();
            List<Rectangle> boxes = new ArrayList<>();
            for (Target t : cloaked) {
                alignments.add(t.chipToImage());
                references.add(t.chipToImage());
                boxes.add(t.box());
            }
            for (LocatedFace found : models.locator().locate(shown)) {
                Rectangle box = found.box().getBounds();
                Target same = overlapping(cloaked, box);
                alignments.add(found.chipToImage());
                // a cloaked face found again is measured as stills are: against its clean face where it was cloaked;
                // a face the cloak pass did not see, against the original frame where it is found now
                references.add(same != null ? same.chipToImage() : found.chipToImage());
                boxes.add(box);
            }
            if (!alignments.isEmpty()) {
                withFaces++;
                float[][] chips = new float[2 * alignments.size()][];
                for (int i = 0; i < alignments.size(); i++) {
                    chips[2 * i] = FaceAligner.extractChip(shown, alignments.get(i));
                    chips[2 * i + 1] = FaceAligner.extractChip(original, references.get(i));
                }
                float[][] desc = recognizer.describe(chips);
                List<ProtectionReceipt.Face> faces = new ArrayList<>();
                double frameMin = Double.POSITIVE_INFINITY;
                for (int i = 0; i < alignments.size(); i++) {
                    double distance = recognizer.distance(desc[2 * i], desc[2 * i + 1]);
                    Rectangle box = boxes.get(i);
                    if (!budget.clearsFailBar(distance)) {
                        throw new CloakFailedException(String.format(java.util.Locale.ROOT,
                                "published frame %d: the face at %d,%d %dx%d is %.3f from its original (needs %.2f)", index, box.x,
                                box.y, box.width, box.height, distance, budget.failDistance()));
                    }
                    double ssim = Ssim.of(original, shown, box);
                    if (i < cloaked.size()) {
                        if (!(ssim >= budget.minFaceSsim())) {
                            // a breakage guard, as for stills: a face this changed is not published
                            throw new CloakFailedException(String.format(java.util.Locale.ROOT,
                                    "published frame %d: the face at %d,%d %dx%d came out with SSIM %.3f, under the floor %.2f",
                                    index, box.x, box.y, box.width, box.height, ssim, budget.minFaceSsim()));
                        }
                        minSsim = Math.min(minSsim, ssim);
                        ssimSum += ssim;
                        ssimCount++;
                    }
                    checked++;
                    frameMin = Math.min(frameMin, distance);
                    faces.add(new ProtectionReceipt.Face(box.x, box.y, box.width, box.height, distance, ssim));
                }
                if (frameMin < minDistance) {
                    minDistance = frameMin;
                    worstFrame.clear();
                    worstFrame.addAll(faces);
                }
            }
            int i = index;
            int n = alignments.size();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            CallerFailure.caller(() -> listener.frameDone(i, n, false, took));
            index++;
        }
        if (CallerFailure.caller(published::next) != null || index != pass.frames()) {
            throw new CloakFailedException("the published file's frame count differs from the original's (" + index + " vs "
                    + pass.frames() + ")");
        }
        return new ProtectionReceipt.Frames(index, withFaces, checked, checked == 0 ? null : minDistance,
                ssimCount == 0 ? null : minSsim, ssimCount == 0 ? null : ssimSum / ssimCount);
    }
}
