package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.CloakBudget;
import dev.dntme.gateway.cloak.CloakEngine.ImageEncoder;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.attack.CloakOptimizer;
import dev.dntme.gateway.cloak.attack.Ssim;
import dev.dntme.gateway.cloak.attack.Target;
import dev.dntme.gateway.cloak.attack.WarmStart;
import dev.dntme.gateway.cloak.face.Boxes;
import dev.dntme.gateway.cloak.face.FaceAligner;
import dev.dntme.gateway.cloak.face.LocatedFace;
import dev.dntme.gateway.cloak.recognition.Recognizer;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A photo or frame in which some face could not be protected within its level's budget. First a repair pass from a
 * fresh start (a carried or unlucky start is not the reason it fell short): the next level up for a face short of the
 * bar, the next level down for one past it whose face SSIM fell under the floor (HIGH's larger cap on a small face).
 * If a face still falls short, it is obscured ({@link Obscurer}) when the policy allows, and the other faces are
 * cloaked around it; otherwise the photo fails closed. An obscured face must clear the same bar as a cloaked one,
 * at its own alignment and wherever the detector still finds it, or the photo fails closed.
 */
final class HardFaces {

    /** How the faces around obscured ones are cloaked: a frame tries its carried cloaks first. */
    @FunctionalInterface
    interface Around {
        CloakOptimizer.Result cloak(BufferedImage masked, List<Target> faces, List<float[]> carried);
    }

    /**
     * The repair pass's optimisers and budgets: {@code up} for a face short of the bar (the next level up, or the top
     * level again with more rounds), {@code down} for a face past the bar whose SSIM fell under the floor (the next
     * level down: a smaller cap; the bottom level again with more rounds).
     */
    record Repair(CloakOptimizer up, CloakBudget upBudget, CloakOptimizer down, CloakBudget downBudget) {}

    /**
     * @param faces      per target, measured on the published bytes
     * @param obscured   per target, whether it was obscured instead of cloaked
     * @param chipDeltas per target, its cloak in chip coordinates for the next frame (null: obscured)
     */
    record Outcome(CloakOptimizer.Result result, List<CloakOptimizer.FaceResult> faces, List<Boolean> obscured,
            List<float[]> chipDeltas, boolean repaired) {

        static Outcome of(CloakOptimizer.Result r, boolean repaired) {
            List<Boolean> none = new ArrayList<>();
            r.faces().forEach(f -> none.add(false));
            return new Outcome(r, r.faces(), none, r.chipDeltas(), repaired);
        }

        int obscuredCount() {
            return (int) obscured.stream().filter(o -> o).count();
        }
    }

    private final ModelSet models;
    private final CloakOptimizer optimizer;
    private final CloakBudget whole;
    private final Repair repair;
    private final boolean obscure;

    /**
     * @param repair  null: no repair pass
     * @param obscure false: a face the repair pass cannot protect fails the photo closed
     */
    HardFaces(ModelSet models, CloakOptimizer optimizer, CloakBudget whole, Repair repair, boolean obscure) {
        this.models = models;
        this.optimizer = optimizer;
        this.whole = whole;
        this.repair = repair;
        this.obscure = obscure;
    }

    /**
     * A face whose recognition chip lies less than this much inside the image is beyond any cloak: the chip's padding
     * outside the frame is the same in the original and the copy, so its distance barely moves (measured: 0.31-0.38
     * after HIGH's repair pass on a face in a frame's corner). Such a face skips the repair pass.
     */
    static final double MIN_CHIP_INSIDE = 0.6;

    /** After {@code failed} left some face short: the repair pass, then obscuring or failing closed. */
    Outcome settle(BufferedImage image, List<Target> targets, CloakOptimizer.Result failed, ImageEncoder encoder, Random random) {
        return settle(image, targets, failed, encoder, random, true);
    }

    /** @param mayRepair false: a face the repair pass already failed on (in an earlier frame): obscure it directly */
    Outcome settle(BufferedImage image, List<Target> targets, CloakOptimizer.Result failed, ImageEncoder encoder, Random random,
            boolean mayRepair) {
        CloakOptimizer.Result r = failed;
        boolean repaired = false;
        boolean onlyCutFaces = true;
        for (int f = 0; f < targets.size(); f++) {
            onlyCutFaces &= failed.faces().get(f).cleared() || chipInside(targets.get(f), image) < MIN_CHIP_INSIDE;
        }
        if (repair != null && !(obscure && (onlyCutFaces || !mayRepair))) {
            // a face past the bar that failed on its SSIM needs a smaller cap, not a stronger cloak
            boolean tooVisible = failed.faces().stream().anyMatch(f -> !f.cleared() && whole.clearsFailBar(f.distance()));
            r = tooVisible ? repair.down().attempt(image, targets, repair.downBudget(), encoder, random, null)
                    : repair.up().attempt(image, targets, repair.upBudget(), encoder, random, null);
            repaired = true;
            if (r.cleared()) {
                return Outcome.of(r, true);
            }
        }
        if (!obscure) {
            throw shortFace(r);
        }
        List<Integer> hard = new ArrayList<>();
        for (int f = 0; f < targets.size(); f++) {
            if (!r.faces().get(f).cleared()) {
                hard.add(f);
            }
        }
        return obscured(image, targets, hard, r.chipDeltas(), encoder, (masked, faces, carried) -> optimizer.attempt(masked, faces,
                whole, encoder, random, WarmStart.from(carried)), repaired);
    }

    /**
     * The faces in {@code hard} obscured, the others cloaked from their {@code carried} cloaks (null entries: fresh); a
     * face that then falls short joins the obscured ones. Each obscured face is checked on the published bytes.
     */
    Outcome obscured(BufferedImage image, List<Target> targets, List<Integer> hard, List<float[]> carried,
            ImageEncoder encoder, Around around, boolean repaired) {
        List<Integer> hidden = new ArrayList<>(hard);
        for (Obscurer.Mode mode : Obscurer.Mode.values()) {
            while (true) {
                List<Rectangle> boxes = new ArrayList<>();
                List<Rectangle> areas = new ArrayList<>();
                for (int f : hidden) {
                    Target t = targets.get(f);
                    boxes.add(t.box());
                    areas.add(Obscurer.area(t.box(), t.chipToImage(), image.getWidth(), image.getHeight()));
                }
                BufferedImage masked = Obscurer.obscure(image, boxes, areas, mode);
                List<Target> rest = new ArrayList<>();
                List<float[]> starts = new ArrayList<>();
                for (int f = 0; f < targets.size(); f++) {
                    if (!hidden.contains(f)) {
                        rest.add(targets.get(f));
                        starts.add(carried.get(f));
                    }
                }
                CloakOptimizer.Result r = rest.isEmpty() ? encodedAsIs(masked, encoder) : around.cloak(masked, rest, starts);
                if (!r.cleared()) {
                    int k = 0;
                    for (int f = 0; f < targets.size(); f++) {
                        if (!hidden.contains(f) && !r.faces().get(k++).cleared()) {
                            hidden.add(f);
                        }
                    }
                    continue;
                }
                List<CloakOptimizer.FaceResult> hiddenFaces = measureHidden(image, r.published(), targets, hidden, areas);
                if (hiddenFaces == null) {
                    break; // the mosaic still links somewhere: the flat fill next
                }
                return merge(r, targets, hidden, hiddenFaces, repaired);
            }
        }
        throw new CloakFailedException("a face could be neither cloaked nor obscured past the bar");
    }

    /**
     * The published distances of the obscured faces, or null when one of them is not hidden: under the fail bar at its
     * own alignment while its area is not one flat colour ({@link Obscurer#isFlat}), or under it where the detector finds
     * a face on it.
     */
    private List<CloakOptimizer.FaceResult> measureHidden(BufferedImage original, BufferedImage published, List<Target> targets,
            List<Integer> hidden, List<Rectangle> areas) {
        Recognizer recognizer = models.recognizers().get(0);
        List<float[]> shown = new ArrayList<>();
        List<float[]> clean = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        int own = hidden.size();
        for (int f : hidden) {
            shown.add(FaceAligner.extractChip(published, targets.get(f).chipToImage()));
            clean.add(FaceAligner.extractChip(original, targets.get(f).chipToImage()));
            owner.add(f);
        }
        // wherever a scraper's detector still finds a face on the obscured area, measured at its alignment too
        for (LocatedFace found : models.locator().locate(published)) {
            for (int f : hidden) {
                if (Boxes.iou(found.box().getBounds(), targets.get(f).box()) >= FrameSequence.SAME_FACE_IOU) {
                    shown.add(FaceAligner.extractChip(published, found.chipToImage()));
                    clean.add(FaceAligner.extractChip(original, targets.get(f).chipToImage()));
                    owner.add(f);
                }
            }
        }
        List<float[]> all = new ArrayList<>(shown);
        all.addAll(clean);
        float[][] desc = recognizer.describe(all.toArray(new float[0][]));
        double[] distance = new double[targets.size()];
        java.util.Arrays.fill(distance, Double.POSITIVE_INFINITY);
        for (int i = 0; i < shown.size(); i++) {
            double d = recognizer.distance(desc[i], desc[shown.size() + i]);
            boolean flat = i < own && Obscurer.isFlat(published, areas.get(i));
            if (!whole.clearsFailBar(d) && !flat) {
                return null;
            }
            distance[owner.get(i)] = Math.min(distance[owner.get(i)], d);
        }
        List<CloakOptimizer.FaceResult> out = new ArrayList<>();
        for (int f : hidden) {
            Rectangle box = targets.get(f).box();
            out.add(new CloakOptimizer.FaceResult(box, distance[f], Ssim.of(original, published, box), true));
        }
        return out;
    }

    private static Outcome merge(CloakOptimizer.Result r, List<Target> targets, List<Integer> hidden,
            List<CloakOptimizer.FaceResult> hiddenFaces, boolean repaired) {
        List<CloakOptimizer.FaceResult> faces = new ArrayList<>();
        List<Boolean> obscured = new ArrayList<>();
        List<float[]> deltas = new ArrayList<>();
        int k = 0;
        for (int f = 0; f < targets.size(); f++) {
            int h = hidden.indexOf(f);
            if (h >= 0) {
                faces.add(hiddenFaces.get(h));
                obscured.add(true);
                deltas.add(null);
            } else {
                faces.add(r.faces().get(k));
                obscured.add(false);
                deltas.add(r.chipDeltas().get(k));
                k++;
            }
        }
        return new Outcome(r, faces, obscured, deltas, repaired);
    }

    /** The share of a face's recognition chip that lies inside the image. */
    static double chipInside(Target t, BufferedImage image) {
        java.awt.geom.Rectangle2D all = t.chipToImage().createTransformedShape(new java.awt.geom.Rectangle2D.Double(-0.5, -0.5,
                FaceAligner.CHIP_SIZE, FaceAligner.CHIP_SIZE)).getBounds2D();
        java.awt.geom.Rectangle2D inside = FaceAligner.chipBoundsInImage(t.chipToImage(), image.getWidth(), image.getHeight());
        double area = all.getWidth() * all.getHeight();
        return area <= 0 || inside.isEmpty() ? 0 : inside.getWidth() * inside.getHeight() / area;
    }

    /** An image with nothing left to cloak, encoded as publishing will and read back. */
    private static CloakOptimizer.Result encodedAsIs(BufferedImage image, ImageEncoder encoder) {
        byte[] bytes = encoder.encode(image);
        return new CloakOptimizer.Result(bytes, CloakOptimizer.decode(bytes), List.of(), 0, 0, image, List.of(), List.of());
    }

    /** The fail-closed message of the first face that did not clear. */
    static CloakFailedException shortFace(CloakOptimizer.Result r) {
        for (CloakOptimizer.FaceResult f : r.faces()) {
            if (!f.cleared()) {
                Rectangle b = f.box();
                return new CloakFailedException(String.format(Locale.ROOT,
                        "face at %d,%d %dx%d is still %.3f from its original (SSIM %.3f) after the repair pass", b.x, b.y, b.width,
                        b.height, f.distance(), f.ssim()));
            }
        }
        return new CloakFailedException("a face fell short");
    }
}
