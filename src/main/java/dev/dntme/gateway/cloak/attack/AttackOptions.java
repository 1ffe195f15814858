package dev.dntme.gateway.cloak.attack;

import dev.dntme.gateway.cloak.attack.CloakOptimizer.CheckObserver;
import dev.dntme.gateway.cloak.attack.CloakOptimizer.InitialGrid;

/**
 * How the optimiser spends its budget, besides the loss: every option off reproduces the plain cloak.
 *
 * @param cell               perturbation grid cell, in chip pixels
 * @param momentum           MI-FGSM decay of the accumulated L1-normalised gradient; 0 = plain sign step
 * @param tiSigma            TI: Gaussian smoothing of the gradient on the grid, sigma in cells; 0 = off
 * @param faceSsimTarget     uniform cap: a face past its distance target whose published SSIM is under this gets
 *                           its cap shrunk and another round (soft); 0 = off
 * @param adaptiveMaxEps     texture-adaptive caps ({@link PerceptualBudget}) up to this many 8-bit levels; 0 = off
 * @param adaptiveMinSsim    with adaptive caps, a face whose published SSIM is under this gets them shrunk
 * @param adaptiveOutsideBox adaptive caps also outside the face box
 * @param beforeStep         runs on the calling thread before every step (the engine re-splits the cores there)
 * @param checkObserver      sees every publish check (calibration of the early check)
 * @param initialGrid        where PGD starts instead of random noise; null = random noise
 * @param othersPerStep      how many members besides the first take part in each step, in turn (0 = all): a step's
 *                           cost grows with the members in it, and taking them in turn keeps every one in the loss
 * @param adaptiveMasking    with adaptive caps: follow contrast masking (the local spread of the clean luma) at the
 *                           same mean cap as the uniform eps, instead of SSIM's sensitivity at the same SSIM cost
 *                           ({@link PerceptualBudget.Mode})
 */
public record AttackOptions(double cell, double momentum, double tiSigma, double faceSsimTarget, double adaptiveMaxEps,
        double adaptiveMinSsim, boolean adaptiveOutsideBox, Runnable beforeStep, CheckObserver checkObserver,
        InitialGrid initialGrid, int othersPerStep, boolean adaptiveMasking) {

    /** SSIM-following adaptive caps (when on). */
    public AttackOptions(double cell, double momentum, double tiSigma, double faceSsimTarget, double adaptiveMaxEps,
            double adaptiveMinSsim, boolean adaptiveOutsideBox, Runnable beforeStep, CheckObserver checkObserver,
            InitialGrid initialGrid, int othersPerStep) {
        this(cell, momentum, tiSigma, faceSsimTarget, adaptiveMaxEps, adaptiveMinSsim, adaptiveOutsideBox, beforeStep,
                checkObserver, initialGrid, othersPerStep, false);
    }

    public AttackOptions {
        beforeStep = beforeStep != null ? beforeStep : () -> { };
        checkObserver = checkObserver != null ? checkObserver : (round, steps, estimates, published) -> { };
    }

    /** The plain cloak: one uniform cap, sign steps, no hooks. */
    public static AttackOptions plain(double cell) {
        return new AttackOptions(cell, 0, 0, 0, 0, 0.95, false, null, null, null, 0);
    }

    public AttackOptions withHooks(Runnable step, CheckObserver observer) {
        return new AttackOptions(cell, momentum, tiSigma, faceSsimTarget, adaptiveMaxEps, adaptiveMinSsim, adaptiveOutsideBox,
                step, observer, initialGrid, othersPerStep, adaptiveMasking);
    }

    public AttackOptions withInitialGrid(InitialGrid start) {
        return new AttackOptions(cell, momentum, tiSigma, faceSsimTarget, adaptiveMaxEps, adaptiveMinSsim, adaptiveOutsideBox,
                beforeStep, checkObserver, start, othersPerStep, adaptiveMasking);
    }

    boolean adaptive() {
        return adaptiveMaxEps > 0;
    }

    PerceptualBudget.Mode adaptiveMode() {
        return adaptiveMasking ? PerceptualBudget.Mode.MASKING : PerceptualBudget.Mode.SSIM;
    }
}
