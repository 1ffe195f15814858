package dev.dntme.gateway.cloak;

import dev.dntme.gateway.cloak.nets.FaceRecognitionNet;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;

/**
 * Options measured for transfer to recognisers the cloak is not optimised on (docs/benchmarks.md,
 * Transfer). Defaults reproduce the plain cloak.
 *
 * @param momentum      MI-FGSM decay of the accumulated L1-normalised gradient; 0 = plain sign step
 * @param tiSigma       TI: Gaussian smoothing of the gradient on the perturbation grid, sigma in grid cells; 0 = off
 * @param cell          perturbation grid cell in chip pixels (1.0)
 * @param eotZoom       EOT/DI relative zoom range (0.06 = 0.94..1.06)
 * @param eotShift      EOT/DI shift range, chip pixels (2)
 * @param eotBlur       EOT blur sigma range, chip pixels (1.0)
 * @param ensembleModel second model of the ensemble: {@code faceres} (dlib chip) or {@code mobileface}
 *                      (its own ArcFace 112 crop)
 * @param extraWeight   weight of the second model's distance term in the ensemble loss (1.0)
 * @param detectorWeight weight of a term pushing the SSD face detector's scores on each cloaked face down
 *                      (issue 7: a scraper must detect a face first); 0 = off. With it on, a face also keeps
 *                      getting steps, within the rounds, while the SSD still detects it in the published bytes
 * @param adaptiveMaxEps texture-adaptive budget (docs/cloak.md): per-cell caps up to this many 8-bit levels,
 *                      as costly in face SSIM as the strength's uniform epsilon; 0 = off (one uniform cap)
 * @param adaptiveMinSsim with the adaptive budget, a face whose published SSIM is under this gets smaller caps
 *                      and more steps (0.95)
 * @param dlibFeatureWeight weight of a mid-level feature term of the dlib net (relative L2 change of the
 *                      {@code dlibFeatureStage} map); 0 = off
 * @param dlibFeatureStage residual stage of the dlib net for that term ({@code conv64_3})
 * @param adaptiveOutsideBox with the adaptive budget, let the rest of the chip's region (hair, ears, background
 *                      outside the face box, which the face SSIM does not measure) take the larger caps too;
 *                      false = the uniform epsilon stays the ceiling there
 * @param adaptiveMode  with the adaptive budget, its rule: {@code ssim} (caps follow SSIM's sensitivity, as costly
 *                      in face SSIM as the uniform epsilon) or {@code masking} (caps follow the clean face's local
 *                      contrast, their mean over the face box the uniform epsilon: off flat skin, into texture)
 */
public record TransferSettings(
        @DecimalMin("0.0") @DecimalMax("2.0") Double momentum,
        @DecimalMin("0.0") @DecimalMax("10.0") Double tiSigma,
        @DecimalMin("0.5") @DecimalMax("8.0") Double cell,
        @DecimalMin("0.0") @DecimalMax("0.3") Double eotZoom,
        @DecimalMin("0.0") @DecimalMax("12.0") Double eotShift,
        @DecimalMin("0.0") @DecimalMax("3.0") Double eotBlur,
        String ensembleModel,
        @DecimalMin("0.0") @DecimalMax("100.0") Double extraWeight,
        @DecimalMin("0.0") @DecimalMax("100.0") Double detectorWeight,
        @DecimalMin("0.0") @DecimalMax("15.0") Double adaptiveMaxEps,
        @DecimalMin("0.5") @DecimalMax("1.0") Double adaptiveMinSsim,
        @DecimalMin("0.0") @DecimalMax("100.0") Double dlibFeatureWeight,
        String dlibFeatureStage,
        Boolean adaptiveOutsideBox,
        String adaptiveMode) {

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public TransferSettings {
        momentum = momentum != null ? momentum : 0.0;
        tiSigma = tiSigma != null ? tiSigma : 0.0;
        cell = cell != null ? cell : 1.0;
        eotZoom = eotZoom != null ? eotZoom : 0.06;
        eotShift = eotShift != null ? eotShift : 2.0;
        eotBlur = eotBlur != null ? eotBlur : 1.0;
        ensembleModel = ensembleModel != null ? ensembleModel : "faceres";
        extraWeight = extraWeight != null ? extraWeight : 1.0;
        detectorWeight = detectorWeight != null ? detectorWeight : 0.0;
        adaptiveMaxEps = adaptiveMaxEps != null ? adaptiveMaxEps : 0.0;
        adaptiveMinSsim = adaptiveMinSsim != null ? adaptiveMinSsim : 0.95;
        dlibFeatureWeight = dlibFeatureWeight != null ? dlibFeatureWeight : 0.0;
        dlibFeatureStage = dlibFeatureStage != null ? dlibFeatureStage : "conv64_3";
        adaptiveOutsideBox = adaptiveOutsideBox != null ? adaptiveOutsideBox : false;
        adaptiveMode = adaptiveMode != null ? adaptiveMode : "ssim";
        if (!adaptiveMode.equals("ssim") && !adaptiveMode.equals("masking")) {
            throw new IllegalArgumentException("dntme.cloak.transfer.adaptive-mode must be ssim or masking");
        }
        if (!ensembleModel.equals("faceres") && !ensembleModel.equals("mobileface")) {
            throw new IllegalArgumentException("dntme.cloak.transfer.ensemble-model must be faceres or mobileface");
        }
        if (!FaceRecognitionNet.isStage(dlibFeatureStage)) {
            throw new IllegalArgumentException("dntme.cloak.transfer.dlib-feature-stage is not a stage of the dlib net: " + dlibFeatureStage);
        }
    }

    /** Every option before the detector term; the detector term off. */
    public TransferSettings(Double momentum, Double tiSigma, Double cell, Double eotZoom, Double eotShift, Double eotBlur,
            String ensembleModel, Double extraWeight) {
        this(momentum, tiSigma, cell, eotZoom, eotShift, eotBlur, ensembleModel, extraWeight, null, null, null, null, null, null,
                null);
    }

    public static TransferSettings defaults() {
        return new TransferSettings(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public boolean mobileFace() {
        return ensembleModel.equals("mobileface");
    }
}
