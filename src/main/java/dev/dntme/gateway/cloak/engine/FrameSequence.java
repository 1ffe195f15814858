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
import dev.dntme.gateway.cloak.face.LocatedFace;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The cloak pass over an animation or video, on one worker: every frame's faces are found (the detector runs on every
 * frame, so a face entering, or a cut to another scene, is found where it appears), matched to the previous frame's
 * faces by overlap, and each matched face starts from its carried cloak ({@link WarmStart}) with the warm budget.
 * A frame with a new face gets the whole budget; so does a warm frame that falls short, from where it got to.
 */
final class FrameSequence {

    /** Boxes of one face in consecutive frames overlap at least this much (intersection over union). */
    static final double SAME_FACE_IOU = 0.3;

    /** One tracked face: where it was last cloaked and its cloak in its own chip coordinates. */
    private record Track(Rectangle box, float[] chipDelta) {}

    /** The pass's record, for the check of the finished file. */
    static final class Pass implements CloakedFrames {
        final List<List<Target>> targets = new ArrayList<>();
        int warm;

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
    }

    private final ModelSet models;
    private final CloakOptimizer optimizer;
    private final CloakBudget whole;
    private final CloakBudget warm;
    private final Random random;

    FrameSequence(ModelSet models, CloakOptimizer optimizer, CloakBudget whole, CloakBudget warm, Random random) {
        this.models = models;
        this.optimizer = optimizer;
        this.whole = whole;
        this.warm = warm;
        this.random = random;
    }

    Pass cloak(FrameSource frames, ImageEncoder encoder, FrameSink sink, FrameListener listener) {
        Pass pass = new Pass();
        List<Track> tracks = List.of();
        BufferedImage frame;
        int index = 0;
        while ((frame = CallerFailure.caller(frames::next)) != null) {
            long start = System.nanoTime();
            List<LocatedFace> faces = models.locator().locate(frame);
            List<Target> targets = new ArrayList<>();
            List<float[]> carried = new ArrayList<>();
            for (LocatedFace face : faces) {
                targets.add(new Target(face.chipToImage(), face.box().getBounds(), face.landmarks()));
                Track track = closest(tracks, face.box().getBounds());
                carried.add(track == null ? null : track.chipDelta());
            }
            Frame done = faces.isEmpty() ? new Frame(frame, false, List.of()) : cloakFrame(frame, targets, carried, encoder, index);
            tracks = done.tracks();
            pass.warm += done.warm() ? 1 : 0;
            pass.targets.add(List.copyOf(targets));
            int i = index;
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            CallerFailure.caller(() -> {
                sink.accept(i, done.pixels());
                listener.frameDone(i, faces.size(), done.warm(), took);
            });
            index++;
        }
        return pass;
    }

    /** A frame's pixels to publish, whether its warm start sufficed, and its faces' tracks for the next frame. */
    private record Frame(BufferedImage pixels, boolean warm, List<Track> tracks) {}

    /** Warm budget when every face was tracked; the whole budget for a new face or a warm frame that fell short. */
    private Frame cloakFrame(BufferedImage frame, List<Target> targets, List<float[]> carried, ImageEncoder encoder, int index) {
        CloakOptimizer.InitialGrid start = WarmStart.from(carried);
        CloakOptimizer.Result result = null;
        if (!carried.contains(null)) {
            try {
                result = optimizer.cloak(frame, targets, warm, encoder, random, start);
            } catch (CloakFailedException shortOfTheBar) {
                // a turn of the head or a cut the overlap did not see: the whole budget, from the carried cloak still
            }
        }
        boolean warmSufficed = result != null;
        if (result == null) {
            try {
                result = optimizer.cloak(frame, targets, whole, encoder, random, start);
            } catch (CloakFailedException failed) {
                throw new CloakFailedException("frame " + index + ": " + failed.getMessage(), failed);
            }
        }
        List<Track> tracks = new ArrayList<>();
        for (int f = 0; f < targets.size(); f++) {
            tracks.add(new Track(targets.get(f).box(), result.chipDeltas().get(f)));
        }
        return new Frame(result.composed(), warmSufficed, tracks);
    }

    /** The track whose last box overlaps {@code box} most, if at least {@link #SAME_FACE_IOU}. */
    private static Track closest(List<Track> tracks, Rectangle box) {
        Track best = null;
        double bestIou = SAME_FACE_IOU;
        for (Track t : tracks) {
            double iou = iou(t.box(), box);
            if (iou >= bestIou) {
                best = t;
                bestIou = iou;
            }
        }
        return best;
    }

    static double iou(Rectangle a, Rectangle b) {
        Rectangle i = a.intersection(b);
        if (i.isEmpty()) {
            return 0;
        }
        double inter = (double) i.width * i.height;
        return inter / ((double) a.width * a.height + (double) b.width * b.height - inter);
    }
}
