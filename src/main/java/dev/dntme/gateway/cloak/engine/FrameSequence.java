package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.CloakBudget;
import dev.dntme.gateway.cloak.CloakEngine.ImageEncoder;
import dev.dntme.gateway.cloak.CloakFailedException;
import dev.dntme.gateway.cloak.CloakedFrames;
import dev.dntme.gateway.cloak.FrameListener;
import dev.dntme.gateway.cloak.FrameSink;
import dev.dntme.gateway.cloak.FrameSource;
import dev.dntme.gateway.cloak.attack.CloakOptimizer;
import dev.dntme.gateway.cloak.attack.Target;
import dev.dntme.gateway.cloak.attack.WarmStart;
import dev.dntme.gateway.cloak.face.Boxes;
import dev.dntme.gateway.cloak.face.LocatedFace;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

/**
 * The cloak pass over an animation or video, on one worker. Faces are detected every few frames and followed in
 * between ({@link FaceTracker}); each tracked face carries its cloak from the previous frame ({@link WarmStart}), and
 * a frame whose carried cloaks clear the bar on its publish check costs that check alone. Steps are spent only where a
 * check falls short: the warm budget from the carried cloak, then the level's whole budget; a face that still falls
 * short goes to {@link HardFaces} (a repair pass, then obscured or failing closed). A face that enters between
 * detections is found by the publish check's re-detection, and the frame is detected and cloaked again.
 */
final class FrameSequence {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FrameSequence.class);

    /** Boxes of one face in consecutive frames overlap at least this much (intersection over union). */
    static final double SAME_FACE_IOU = 0.3;

    /** One face followed from frame to frame: where it was, its landmarks, its cloak in its chip, whether it is hidden. */
    record Track(Rectangle2D box, float score, float[] landmarks, float[] chipDelta, boolean obscured) {}

    /** How a frame's faces are handled. */
    record Plan(CloakBudget whole, CloakBudget warm, CloakBudget carry, int detectEvery) {}

    /** The pass's record, for the check of the finished file. */
    static final class Pass implements CloakedFrames {
        final List<List<Target>> targets = new ArrayList<>();
        final List<List<Boolean>> obscured = new ArrayList<>();
        /** Frames the file check re-detects on whatever it measures: detection frames and frames that needed more than a check. */
        final BitSet redetect = new BitSet();
        int warm;
        int carried;
        int repaired;
        int obscuredFaces;

        @Override
        public int frames() {
            return targets.size();
        }

        @Override
        public int framesWithFaces() {
            return (int) targets.stream().filter(t -> !t.isEmpty()).count();
        }

        @Override
        public int maxFaces() {
            return targets.stream().mapToInt(List::size).max().orElse(0);
        }

        @Override
        public int warmFrames() {
            return warm;
        }

        @Override
        public int carriedFrames() {
            return carried;
        }

        @Override
        public int repairedFrames() {
            return repaired;
        }

        @Override
        public int obscuredFaces() {
            return obscuredFaces;
        }
    }

    private final ModelSet models;
    private final CloakOptimizer optimizer;
    private final Plan plan;
    private final HardFaces hardFaces;
    private final FaceTracker tracker;
    private final Random random;

    FrameSequence(ModelSet models, CloakOptimizer optimizer, Plan plan, HardFaces hardFaces, Random random) {
        this.models = models;
        this.optimizer = optimizer;
        this.plan = plan;
        this.hardFaces = hardFaces;
        this.tracker = new FaceTracker(models.locator());
        this.random = random;
    }

    Pass cloak(FrameSource frames, ImageEncoder encoder, FrameSink sink, FrameListener listener) {
        Pass pass = new Pass();
        List<Track> tracks = List.of();
        int sinceDetection = 0;
        BufferedImage frame;
        int index = 0;
        // without re-detection in the publish check nothing would notice a face entering between detections
        int detectEvery = models.published().redetects() ? plan.detectEvery() : 1;
        while ((frame = CallerFailure.caller(frames::next)) != null) {
            long start = System.nanoTime();
            List<LocatedFace> faces = null;
            boolean detected = false;
            if (!tracks.isEmpty() && sinceDetection + 1 < detectEvery) {
                faces = tracker.follow(frame, tracks);
            }
            if (faces == null) {
                faces = models.locator().locate(frame);
                detected = true;
            }
            Frame done = cloakFrame(frame, faces, matched(faces, tracks, detected), detected, encoder, index);
            if (!detected && !done.others().isEmpty()) {
                // a face the tracks do not cover showed up in the published pixels: detect, and cloak the frame again
                faces = models.locator().locate(frame);
                detected = true;
                done = cloakFrame(frame, faces, matched(faces, tracks, true), true, encoder, index);
            }
            sinceDetection = detected ? 0 : sinceDetection + 1;
            tracks = done.tracks();
            pass.warm += done.how() == How.WARM ? 1 : 0;
            pass.carried += done.how() == How.CARRIED ? 1 : 0;
            pass.repaired += done.how() == How.REPAIRED ? 1 : 0;
            pass.obscuredFaces += (int) done.obscured().stream().filter(o -> o).count();
            pass.targets.add(done.targets());
            pass.obscured.add(done.obscured());
            if (detected || (done.how() != How.CARRIED && done.how() != How.NONE)) {
                pass.redetect.set(index);
            }
            int i = index;
            int n = faces.size();
            boolean warm = done.how() == How.WARM || done.how() == How.CARRIED;
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            log.debug("frame {}: {} faces, {}{}, {} ms", i, n, done.how(), detected ? ", detected" : "", took.toMillis());
            Frame published = done;
            CallerFailure.caller(() -> {
                sink.accept(i, published.pixels());
                listener.frameDone(i, n, warm, took);
            });
            index++;
        }
        return pass;
    }

    /** How a frame's cloak was made: from the carried cloaks with a check alone, with the warm budget, the whole one, repaired. */
    enum How {
        NONE, CARRIED, WARM, WHOLE, REPAIRED
    }

    /** A frame's pixels to publish, how they were made, its faces and their tracks, and faces the check saw beyond them. */
    private record Frame(BufferedImage pixels, How how, List<Target> targets, List<Boolean> obscured, List<Track> tracks,
            List<Rectangle2D> others) {}

    /** Per face, the track it continues (null: a new face). A followed frame's faces are its tracks, in order. */
    private static List<Track> matched(List<LocatedFace> faces, List<Track> tracks, boolean detected) {
        List<Track> out = new ArrayList<>();
        for (int f = 0; f < faces.size(); f++) {
            out.add(detected ? closest(tracks, faces.get(f).box()) : tracks.get(f));
        }
        return out;
    }

    /** @param detected a detection frame: a face hidden since an earlier frame gets another try at a cloak */
    private Frame cloakFrame(BufferedImage frame, List<LocatedFace> faces, List<Track> from, boolean detected, ImageEncoder encoder,
            int index) {
        if (faces.isEmpty()) {
            return new Frame(frame, How.NONE, List.of(), List.of(), List.of(), List.of());
        }
        List<Target> targets = new ArrayList<>();
        List<float[]> carried = new ArrayList<>();
        List<Integer> hidden = new ArrayList<>();
        for (int f = 0; f < faces.size(); f++) {
            LocatedFace face = faces.get(f);
            targets.add(new Target(face.chipToImage(), face.box().getBounds(), face.landmarks()));
            Track track = from.get(f);
            carried.add(track == null ? null : track.chipDelta());
            if (track != null && track.obscured() && !detected) {
                hidden.add(f);
            }
        }
        try {
            if (!hidden.isEmpty()) {
                // a face hidden in the last frame stays hidden until the next detection frame: a repair pass every few
                // frames, not every frame; the faces around it go the usual way, from their carried cloaks
                HardFaces.Outcome o = hardFaces.obscured(frame, targets, hidden, carried, encoder,
                        (masked, rest, starts) -> cloakFaces(masked, rest, starts, encoder).result(), false);
                return frame(o, How.WHOLE, faces, targets);
            }
            Attempt attempt = cloakFaces(frame, targets, carried, encoder);
            CloakOptimizer.Result result = attempt.result();
            if (result.cleared()) {
                HardFaces.Outcome o = HardFaces.Outcome.of(result, false);
                if (attempt.how() == How.CARRIED) {
                    // the next frame carries the cloak as it was made, not as read back from this frame's grid: every
                    // read-back resamples it, and a cloak carried through a few frames that way fades
                    o = new HardFaces.Outcome(o.result(), o.faces(), o.obscured(), carried, false);
                }
                return frame(o, attempt.how(), faces, targets);
            }
            // a face hidden before got its repair pass then: another try at a cloak, but no second repair pass
            boolean repairedBefore = false;
            for (int f = 0; f < targets.size(); f++) {
                repairedBefore |= !result.faces().get(f).cleared() && from.get(f) != null && from.get(f).obscured();
            }
            HardFaces.Outcome settled = hardFaces.settle(frame, targets, result, encoder, random, !repairedBefore);
            return frame(settled, settled.repaired() ? How.REPAIRED : How.WHOLE, faces, targets);
        } catch (CloakFailedException failed) {
            throw new CloakFailedException("frame " + index + ": " + failed.getMessage(), failed);
        }
    }

    private record Attempt(CloakOptimizer.Result result, How how) {}

    /**
     * The carried cloaks checked alone when every face has one; short of the bar, the warm budget from them; then the
     * whole budget (a turn of the head or a cut the tracking did not see), from the carried cloaks still.
     */
    private Attempt cloakFaces(BufferedImage image, List<Target> targets, List<float[]> carried, ImageEncoder encoder) {
        CloakOptimizer.InitialGrid start = WarmStart.from(carried);
        if (!carried.contains(null)) {
            CloakOptimizer.Result result = optimizer.attempt(image, targets, plan.carry(), encoder, random, start);
            if (result.cleared()) {
                return new Attempt(result, How.CARRIED);
            }
            result = optimizer.attempt(image, targets, plan.warm(), encoder, random, start);
            if (result.cleared()) {
                return new Attempt(result, How.WARM);
            }
        }
        return new Attempt(optimizer.attempt(image, targets, plan.whole(), encoder, random, start), How.WHOLE);
    }

    private static Frame frame(HardFaces.Outcome o, How how, List<LocatedFace> faces, List<Target> targets) {
        List<Track> tracks = new ArrayList<>();
        for (int f = 0; f < targets.size(); f++) {
            LocatedFace face = faces.get(f);
            tracks.add(new Track(face.box(), face.score(), face.landmarks(), o.chipDeltas().get(f), o.obscured().get(f)));
        }
        return new Frame(o.result().composed(), how, List.copyOf(targets), List.copyOf(o.obscured()), tracks,
                o.result().otherFaces());
    }

    /** The track whose last box overlaps {@code box} most, if at least {@link #SAME_FACE_IOU}. */
    private static Track closest(List<Track> tracks, Rectangle2D box) {
        Track best = null;
        double bestIou = SAME_FACE_IOU;
        for (Track t : tracks) {
            double iou = Boxes.iou(t.box(), box);
            if (iou >= bestIou) {
                best = t;
                bestIou = iou;
            }
        }
        return best;
    }
}
