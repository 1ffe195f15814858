package dev.dntme.gateway.cloak;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * Animations and videos ({@code dntme.cloak.frames.*}). Faces are detected every {@code detectEvery} frames and
 * followed in between; a followed face carries its cloak from the previous frame, and a frame whose carried cloaks
 * pass its publish check past the bar plus {@code carryMargin} (at a face SSIM of at least {@code carryMinSsim}) costs
 * that check alone. Short of it, the frame gets the warm budget from the carried cloak, then the strength's whole
 * budget; a face still short gets the repair pass and then {@code hardFaces}.
 *
 * @param timeout         longest one animation or video may hold a worker (its cloak pass, then its check)
 * @param warmSteps       most steps in a warm frame's first round (it is checked after 1 when the estimate clears)
 * @param warmRetrySteps  steps in each further round of a warm frame
 * @param warmRounds      publish checks of a warm frame before it falls back to the whole budget
 * @param warmTargetDrop  a warm frame stops pushing this much below the strength's target distance (never below its
 *                        fail bar): the face was tracked, its cloak is carried, and the finished file is checked
 * @param detectEvery     run the face detector on every n-th frame (1 = every frame) and follow the faces in
 *                        between; the publish check's re-detection still notices a face entering in any frame
 * @param carryMargin     a carried cloak is kept with no steps when its published distance clears the fail bar by
 *                        this much
 * @param carryMinSsim    ... and its published face SSIM is at least this
 * @param hardFaces       a face that neither its level nor the repair pass (a fresh start at the next level up) can
 *                        protect: {@code obscure} (hidden under a coarse mosaic, checked like a cloak and named on the
 *                        receipt) or {@code reject} (the whole file fails closed); stills use it after their
 *                        fallback level (docs/media.md, Hard faces)
 * @param repair          whether a face short after the whole budget gets the repair pass before {@code hardFaces}
 * @param yieldToStills   stills first: before each frame, a clip's worker waits while a flagged still is being
 *                        cloaked, at most this long per frame (0 = never); docs/media.md, Stills first
 */
public record FrameSettings(@NotNull Duration timeout, @NotNull @Min(1) @Max(100) Integer warmSteps,
        @NotNull @Min(0) @Max(100) Integer warmRetrySteps, @NotNull @Min(1) @Max(10) Integer warmRounds,
        @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double warmTargetDrop,
        @NotNull @Min(1) @Max(300) Integer detectEvery,
        @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double carryMargin,
        @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double carryMinSsim,
        @NotNull HardFaces hardFaces,
        @NotNull Boolean repair,
        @NotNull Duration yieldToStills) {

    /** What becomes of a face no cloak can protect. */
    public enum HardFaces {
        OBSCURE, REJECT
    }

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public FrameSettings {
        timeout = timeout != null ? timeout : Duration.ofMinutes(30);
        warmSteps = warmSteps != null ? warmSteps : 3;
        warmRetrySteps = warmRetrySteps != null ? warmRetrySteps : 2;
        warmRounds = warmRounds != null ? warmRounds : 2;
        warmTargetDrop = warmTargetDrop != null ? warmTargetDrop : 0.0;
        detectEvery = detectEvery != null ? detectEvery : 5;
        carryMargin = carryMargin != null ? carryMargin : 0.03;
        carryMinSsim = carryMinSsim != null ? carryMinSsim : 0.90;
        hardFaces = hardFaces != null ? hardFaces : HardFaces.OBSCURE;
        repair = repair != null ? repair : true;
        yieldToStills = yieldToStills != null ? yieldToStills : Duration.ofMillis(500);
        if (yieldToStills.isNegative()) {
            throw new IllegalArgumentException("dntme.cloak.frames.yield-to-stills must not be negative");
        }
    }

    public FrameSettings(Duration timeout, Integer warmSteps, Integer warmRetrySteps, Integer warmRounds, Double warmTargetDrop) {
        this(timeout, warmSteps, warmRetrySteps, warmRounds, warmTargetDrop, null, null, null, null, null, null);
    }

    static FrameSettings defaults() {
        return new FrameSettings(null, null, null, null, null);
    }

    public boolean obscureHardFaces() {
        return hardFaces == HardFaces.OBSCURE;
    }
}
