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
 */
public record CloakBudget(float epsilon, int steps, int retrySteps, int rounds, int eotSamples,
        double targetDistance, double failDistance, double minFaceSsim) {

    public CloakBudget {
        if (epsilon <= 0 || steps < 1 || retrySteps < 0 || rounds < 1 || eotSamples < 1 || failDistance > targetDistance) {
            throw new IllegalArgumentException("invalid cloak budget " + epsilon + "/" + steps + "/" + rounds);
        }
    }
}
