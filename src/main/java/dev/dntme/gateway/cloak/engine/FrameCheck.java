package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.CloakBudget;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.FrameListener;
import dev.dntme.gateway.cloak.FrameSource;
import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.cloak.attack.Ssim;
import dev.dntme.gateway.cloak.attack.Target;
import dev.dntme.gateway.cloak.face.Boxes;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.LocatedFace;
import dev.dntme.gateway.cloak.recognition.Recognizer;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The check of a finished animation or video, on the decoded published file: in every frame, each face the cloak pass
 * cloaked is described at its own alignment in the published frame and compared with its clean face; a distance under
 * the fail bar anywhere fails the whole file. The detector runs again on the published frame (and every face it finds is
 * measured too, at the alignment it finds) where the pass detected, where a face needed more than its carried cloak,
 * and wherever a distance comes within {@link #NEAR_BAR} of the bar. On the other frames the pass's own publish check
 * already re-detected on the frame's pixels as encoded alone; this check is there for what the file's encoding changed.
 */
final class FrameCheck {

    /**
     * The face-SSIM floor is a breakage guard, enforced on each frame's own encoding while the frame is made; a video's
     * final encoding (inter-frame, another quantiser) moves a face's SSIM by a few hundredths, and a frame at HIGH made
     * at 0.851 came out at 0.841 and rejected a whole clip whose every face was protected. The file check allows this
     * much for the file's encoding; a broken cloak lands far below it.
     */
    static final double ENCODE_SSIM_SLACK = 0.03;

    /** A face this close to the fail bar at its own alignment gets the detector's alignments measured too. */
    static final double NEAR_BAR = 0.05;

    private final ModelSet models;
    private final CloakBudget budget;

    FrameCheck(ModelSet models, CloakBudget budget) {
        this.models = models;
        this.budget = budget;
    }

    /** Per-face figures of the least protected frame, and the file's totals. */
    ProtectionReceipt.Frames check(FrameSequence.Pass pass, FrameSource originals, FrameSource published, FrameListener listener,
            List<ProtectionReceipt.Face> worstFrame) {
        Totals totals = new Totals();
        int index = 0;
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
            List<ProtectionReceipt.Face> faces = frame(index, pass, original, shown, totals);
            if (!faces.isEmpty()) {
                totals.withFaces++;
                totals.checked += faces.size();
                // an obscured face is counted apart (its area is flat; a chip reaching outside the frame can measure close)
                double frameMin = faces.stream().filter(f -> !f.obscured()).mapToDouble(ProtectionReceipt.Face::embeddingDistance)
                        .min().orElse(Double.POSITIVE_INFINITY);
                if (frameMin < totals.minDistance || worstFrame.isEmpty()) {
                    totals.minDistance = frameMin;
                    worstFrame.clear();
                    worstFrame.addAll(faces);
                }
            }
            int i = index;
            int n = faces.size();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            CallerFailure.caller(() -> listener.frameDone(i, n, false, took));
            index++;
        }
        if (CallerFailure.caller(published::next) != null || index != pass.frames()) {
            throw new CloakFailedException("the published file's frame count differs from the original's (" + index + " vs "
                    + pass.frames() + ")");
        }
        return new ProtectionReceipt.Frames(index, totals.withFaces, totals.checked,
                Double.isInfinite(totals.minDistance) ? null : totals.minDistance, totals.ssimCount == 0 ? null : totals.minSsim,
                totals.ssimCount == 0 ? null : totals.ssimSum / totals.ssimCount, pass.carriedFrames(), pass.repairedFrames(),
                pass.obscuredFaces());
    }

    private static final class Totals {
        int withFaces;
        int checked;
        double minDistance = Double.POSITIVE_INFINITY;
        double minSsim = Double.POSITIVE_INFINITY;
        double ssimSum;
        int ssimCount;
    }

    /** One frame's faces, one entry each: the cloaked ones, then faces the detector finds where none was cloaked. */
    private List<ProtectionReceipt.Face> frame(int index, FrameSequence.Pass pass, BufferedImage original, BufferedImage shown,
            Totals totals) {
        List<Target> cloaked = pass.targets.get(index);
        List<Boolean> obscured = pass.obscured.get(index);
        List<AffineTransform> alignments = new ArrayList<>();
        List<AffineTransform> references = new ArrayList<>();
        List<Integer> owner = new ArrayList<>(); // cloaked face measured, or -1 - k for the k-th face found beyond them
        for (int f = 0; f < cloaked.size(); f++) {
            alignments.add(cloaked.get(f).chipToImage());
            references.add(cloaked.get(f).chipToImage());
            owner.add(f);
        }
        double[] distance = measure(shown, original, alignments, references);
        boolean redetect = pass.redetect.get(index);
        for (double d : distance) {
            redetect |= !(d >= budget.failDistance() + NEAR_BAR);
        }
        List<Rectangle> strangers = new ArrayList<>();
        if (redetect) {
            List<AffineTransform> more = new ArrayList<>();
            List<AffineTransform> refs = new ArrayList<>();
            for (LocatedFace found : models.locator().locate(shown)) {
                Rectangle box = found.box().getBounds();
                int same = overlapping(cloaked, box);
                more.add(found.chipToImage());
                // a cloaked face found again is measured as stills are: against its clean face where it was cloaked;
                // a face the cloak pass did not see, against the original frame where it is found now
                refs.add(same >= 0 ? cloaked.get(same).chipToImage() : found.chipToImage());
                if (same < 0) {
                    strangers.add(box);
                    same = -strangers.size();
                }
                owner.add(same);
            }
            double[] found = measure(shown, original, more, refs);
            double[] all = java.util.Arrays.copyOf(distance, distance.length + found.length);
            System.arraycopy(found, 0, all, distance.length, found.length);
            distance = all;
        }
        double[] perCloaked = new double[cloaked.size()];
        double[] perStranger = new double[strangers.size()];
        java.util.Arrays.fill(perCloaked, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(perStranger, Double.POSITIVE_INFINITY);
        boolean[] flat = new boolean[cloaked.size()];
        for (int f = 0; f < cloaked.size(); f++) {
            Target t = cloaked.get(f);
            // an obscured face counts as hidden at its own alignment when nothing of it is left (HardFaces)
            flat[f] = obscured.get(f) && Obscurer.isFlat(shown, Obscurer.area(t.box(), t.chipToImage(), shown.getWidth(),
                    shown.getHeight()));
        }
        for (int i = 0; i < distance.length; i++) {
            int o = owner.get(i);
            if (o >= 0) {
                perCloaked[o] = Math.min(perCloaked[o], distance[i]);
            } else {
                perStranger[-1 - o] = Math.min(perStranger[-1 - o], distance[i]);
            }
            if (!budget.clearsFailBar(distance[i]) && !(i < cloaked.size() && flat[i])) {
                Rectangle box = o >= 0 ? cloaked.get(o).box() : strangers.get(-1 - o);
                throw new CloakFailedException(String.format(Locale.ROOT,
                        "published frame %d: the face at %d,%d %dx%d is %.3f from its original (needs %.2f)", index, box.x, box.y,
                        box.width, box.height, distance[i], budget.failDistance()));
            }
        }
        List<ProtectionReceipt.Face> faces = new ArrayList<>();
        for (int f = 0; f < cloaked.size(); f++) {
            Rectangle box = cloaked.get(f).box();
            double ssim = Ssim.of(original, shown, box);
            boolean hidden = obscured.get(f);
            if (!hidden) {
                if (!(ssim >= budget.minFaceSsim() - ENCODE_SSIM_SLACK)) {
                    // a breakage guard, as for stills: a face this changed is not published (an obscured one is meant to be)
                    throw new CloakFailedException(String.format(Locale.ROOT,
                            "published frame %d: the face at %d,%d %dx%d came out with SSIM %.3f, under the floor %.2f", index, box.x,
                            box.y, box.width, box.height, ssim, budget.minFaceSsim() - ENCODE_SSIM_SLACK));
                }
                totals.minSsim = Math.min(totals.minSsim, ssim);
                totals.ssimSum += ssim;
                totals.ssimCount++;
            }
            faces.add(new ProtectionReceipt.Face(box.x, box.y, box.width, box.height, perCloaked[f], ssim, hidden));
        }
        for (int k = 0; k < strangers.size(); k++) {
            Rectangle box = strangers.get(k);
            faces.add(new ProtectionReceipt.Face(box.x, box.y, box.width, box.height, perStranger[k], Ssim.of(original, shown, box)));
        }
        return faces;
    }

    /** Per pair, the distance between the published chip at {@code alignments[i]} and the original's at {@code references[i]}. */
    private double[] measure(BufferedImage shown, BufferedImage original, List<AffineTransform> alignments,
            List<AffineTransform> references) {
        int n = alignments.size();
        if (n == 0) {
            return new double[0];
        }
        Recognizer recognizer = models.recognizers().get(0);
        float[][] chips = new float[2 * n][];
        for (int i = 0; i < n; i++) {
            chips[2 * i] = FaceAligner.extractChip(shown, alignments.get(i));
            chips[2 * i + 1] = FaceAligner.extractChip(original, references.get(i));
        }
        float[][] desc = recognizer.describe(chips);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = recognizer.distance(desc[2 * i], desc[2 * i + 1]);
        }
        return out;
    }

    /** The cloaked face a detection belongs to (IoU at least {@link FrameSequence#SAME_FACE_IOU}), or -1. */
    private static int overlapping(List<Target> cloaked, Rectangle box) {
        int best = -1;
        double bestIou = FrameSequence.SAME_FACE_IOU;
        for (int f = 0; f < cloaked.size(); f++) {
            double iou = Boxes.iou(cloaked.get(f).box(), box);
            if (iou >= bestIou) {
                best = f;
                bestIou = iou;
            }
        }
        return best;
    }
}
