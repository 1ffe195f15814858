package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.CloakStrength;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param defaultStrength protection level of a flagged still when neither the upload nor the user's setting names one:
 *                        HIGH, the strong level (a background job: 202, then polling or the webhook)
 * @param defaultMediaStrength the strongest level a flagged animation or video gets when the upload names none and
 *                        its user has no level: it gets the strongest level up to this one whose frames, at the level's
 *                        {@code dntme.cloak.<level>.frame-seconds}, fit {@code mediaTimeTarget} (when none fits, the
 *                        strongest of the cheapest);
 *                        an upload's own {@code strength} is used as given (docs/media.md, Levels)
 * @param mediaTimeTarget how long a flagged animation or video may take to publish, for the level choice above
 * @param staleAfter      an image still not published after this long belongs to a request that died;
 *                        the sweeper rolls it back (must exceed the longest cloak time by far)
 * @param sweepInterval   how often the sweeper looks
 * @param asyncMinFrames  an animation or video with at least this many frames is answered 202 and published by a
 *                        background job ({@link MediaJobWorker}); one with fewer is made within the request like a
 *                        still. 2 (the default) sends every multi-frame upload to the background
 * @param fallbackStrength a flagged still whose cloak cannot be made at its level is cloaked once more at this level,
 *                        and its receipt says so, instead of being rejected: HIGH's larger cap can take a small face under
 *                        the face-SSIM floor, LOW's smaller one can leave a face short of the fail bar, MEDIUM does
 *                        neither on the photos measured. {@code NONE}: rejected as before. Never a clean copy
 * @param rejectedRetention how long the tombstone of a rejected media job (state, failure) stays readable before the
 *                        sweeper removes it
 */
@Validated
@ConfigurationProperties(prefix = "dntme.upload")
public record UploadProperties(
        @DefaultValue("HIGH") @NotNull CloakStrength defaultStrength,
        @DefaultValue("15m") @NotNull Duration staleAfter,
        @DefaultValue("1m") @NotNull Duration sweepInterval,
        @DefaultValue("2") @Min(2) int asyncMinFrames,
        @DefaultValue("7d") @NotNull Duration rejectedRetention,
        @DefaultValue("HIGH") @NotNull CloakStrength defaultMediaStrength,
        @DefaultValue("MEDIUM") @NotNull String fallbackStrength,
        @DefaultValue("2m") @NotNull Duration mediaTimeTarget) {

    public UploadProperties {
        if (fallbackStrength != null && !fallbackStrength.equals("NONE")) {
            try {
                CloakStrength.valueOf(fallbackStrength);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("dntme.upload.fallback-strength must be NONE, LOW, MEDIUM or HIGH");
            }
        }
        if (staleAfter != null && staleAfter.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("dntme.upload.stale-after must be at least 1s");
        }
    }

    /**
     * Whether a still cloaked at this level has no other level to fall back to while a fallback is configured (it is the
     * fallback level): its cloak is then the last try, where a face no cloak can protect is obscured or rejected as
     * {@code dntme.cloak.frames.hard-faces} says. With the fallback {@code NONE}, no try is the last: such stills are rejected.
     */
    boolean lastTry(CloakStrength level) {
        return !fallbackStrength.equals("NONE") && CloakStrength.valueOf(fallbackStrength) == level;
    }

    /**
     * The level of a flagged medium of {@code frames} frames that names none: the strongest up to {@code ceiling} whose
     * frames fit {@link #mediaTimeTarget} at {@code frameSeconds} each. When none fits, the strongest of the cheapest
     * (protection is never skipped for time, and a weaker level that costs as much buys nothing).
     */
    CloakStrength mediaLevel(CloakStrength ceiling, int frames, java.util.function.ToDoubleFunction<CloakStrength> frameSeconds) {
        double budget = mediaTimeTarget.toMillis() / 1000.0;
        CloakStrength cheapest = ceiling;
        for (int s = ceiling.ordinal(); s >= 0; s--) {
            CloakStrength level = CloakStrength.values()[s];
            double cost = frameSeconds.applyAsDouble(level);
            if (frames * cost <= budget) {
                return level;
            }
            if (cost < frameSeconds.applyAsDouble(cheapest)) {
                cheapest = level;
            }
        }
        return cheapest;
    }

    /** The level a still falls back to when its own cannot be made; none for the fallback level itself. */
    java.util.Optional<CloakStrength> fallbackFor(CloakStrength level) {
        if (fallbackStrength.equals("NONE")) {
            return java.util.Optional.empty();
        }
        CloakStrength fallback = CloakStrength.valueOf(fallbackStrength);
        return fallback != level ? java.util.Optional.of(fallback) : java.util.Optional.empty();
    }
}
