package dev.dntme.gateway.cloak;

/**
 * How hard the optimiser may push one photo.
 *
 * @param epsilon        L-infinity cap of the perturbation, in 8-bit levels (8 = 8/255)
 * @param steps          PGD steps in the first round
 * @param retrySteps     PGD steps in each further round (after a real publish check fell short)
 * @param rounds         publish-and-verify rounds at most (1 = optimise once, verify once)
 * @param eotSamples     random transformations per face per step
 * @param targetDistance stop early once every face's published embedding is this far from its original
 * @param failDistance   after the last round a face closer than this fails the whole photo
 * @param minFaceSsim    a face whose published region scores under this SSIM fails the photo (a breakage guard)
 * @param checkMargin    negative: every round runs its full step count before its publish check. Otherwise a
 *                       round also ends early, with its check, once every face still being pushed has a step
 *                       estimate (the identity-sample distance the step computes anyway) of at least
 *                       targetDistance + checkMargin; {@code steps} and {@code retrySteps} are then the most
 * @param minSteps       with checkMargin on, the fewest first-round steps before an early check (retry rounds: 1)
 */
public record CloakBudget(float epsilon, int steps, int retrySteps, int rounds, int eotSamples,
        double targetDistance, double failDistance, double minFaceSsim, double checkMargin, int minSteps) {

    public CloakBudget {
        // no steps is a check alone (a frame's carried cloak, verified): one round
        if (epsilon <= 0 || steps < 0 || (steps == 0 && rounds != 1) || retrySteps < 0 || rounds < 1 || eotSamples < 1
                || failDistance > targetDistance || minSteps < 1 || minSteps > Math.max(1, steps)) {
            throw new IllegalArgumentException("invalid cloak budget " + epsilon + "/" + steps + "/" + rounds + "/" + minSteps);
        }
    }

    /** Fixed step counts per round (no early check). */
    public CloakBudget(float epsilon, int steps, int retrySteps, int rounds, int eotSamples,
            double targetDistance, double failDistance, double minFaceSsim) {
        this(epsilon, steps, retrySteps, rounds, eotSamples, targetDistance, failDistance, minFaceSsim, -1, steps);
    }

    /**
     * The same budget with its distances in another recogniser's units: the bars are set on dlib's distance (match
     * threshold 0.6); a loss led by another recogniser (a benchmark holding dlib out) scales them by its threshold
     * over dlib's. A factor of 1 returns this budget unchanged.
     */
    public CloakBudget inUnitsOf(double factor) {
        if (factor == 1.0) {
            return this;
        }
        return new CloakBudget(epsilon, steps, retrySteps, rounds, eotSamples, targetDistance * factor, failDistance * factor,
                minFaceSsim, checkMargin < 0 ? checkMargin : checkMargin * factor, minSteps);
    }

    /**
     * Whether a face at {@code distance} from its original may be published. Every publish decision, stills and
     * frames alike, asks this one question so that a NaN distance (a broken embedding) fails closed everywhere: a
     * plain {@code distance < failDistance} is false for NaN and would let the face through.
     */
    public boolean clearsFailBar(double distance) {
        return distance >= failDistance;
    }

    /**
     * This budget's cap, with no steps: one publish check of a start the caller carries (a tracked face's cloak from the
     * previous frame), which passes only past {@code bar} and at a face SSIM of at least {@code minSsim}.
     */
    public CloakBudget checkOnly(double bar, double minSsim) {
        double b = Math.max(failDistance, bar);
        return new CloakBudget(epsilon, 0, 0, 1, eotSamples, b, b, Math.max(minFaceSsim, minSsim), -1, 1);
    }

    /** This budget with {@code factor} times its rounds (at most 20) and steps: a repair pass for a face that fell short. */
    public CloakBudget longer(int factor) {
        return new CloakBudget(epsilon, steps * factor, retrySteps * factor, Math.min(20, rounds * factor), eotSamples,
                targetDistance, failDistance, minFaceSsim, checkMargin, Math.min(minSteps, steps * factor));
    }

    public boolean earlyCheck() {
        return checkMargin >= 0;
    }
}
