package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.recognition.Recognizers;
import dev.dntme.gateway.benchmark.protection.SystemPropertyBinding;
import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.CloakSettings;
import java.util.Map;

/** Engine settings of a {@link TransferBenchmark} run, from system properties. */
final class TransferBenchmarkSetup {

    private TransferBenchmarkSetup() {}

    /** Benchmark options by their old names (-Dbenchmark.eps, ...) and their settings names. */
    private static final String[][] OPTIONS = {
        {"workers", "workers"}, {"intraOpThreads", "intra-op-threads"},
        {"eps", "medium.epsilon"}, {"steps", "medium.steps"}, {"retrySteps", "medium.retry-steps"}, {"rounds", "medium.rounds"},
        {"eotSamples", "medium.eot-samples"}, {"target", "medium.target-distance"},
        {"momentum", "transfer.momentum"}, {"tiSigma", "transfer.ti-sigma"}, {"cell", "transfer.cell"},
        {"eotZoom", "transfer.eot-zoom"}, {"eotShift", "transfer.eot-shift"}, {"eotBlur", "transfer.eot-blur"},
        {"ensembleModel", "transfer.ensemble-model"}, {"extraWeight", "transfer.extra-weight"},
        {"detectorWeight", "transfer.detector-weight"}, {"adaptiveMaxEps", "transfer.adaptive-max-eps"},
        {"adaptiveMinSsim", "transfer.adaptive-min-ssim"}, {"dlibFeatureWeight", "transfer.dlib-feature-weight"},
        {"dlibFeatureStage", "transfer.dlib-feature-stage"}, {"adaptiveOutsideBox", "transfer.adaptive-outside-box"},
        {"ensemble", "ensemble"}, {"ensembleTarget", "ensemble-target-distance"}, {"featureWeight", "ensemble-feature-weight"}};

    /**
     * The benchmark's cloak settings: the defaults, then {@code extra}, then the {@code -Dbenchmark.<option>} names above,
     * then any {@code -Dbenchmark.cloak.<setting>} (e.g. {@code -Dbenchmark.cloak.recognizers=dlib}), bound and validated
     * as the application binds them.
     */
    static CloakProperties settings(Map<String, String> extra) {
        Map<String, String> m = new java.util.LinkedHashMap<>(extra);
        for (String[] o : OPTIONS) {
            String v = System.getProperty("benchmark." + o[0]);
            if (v != null) {
                m.put(o[1], v);
            }
        }
        SystemPropertyBinding.collect("benchmark.cloak", System.getProperties())
                .forEach((k, v) -> m.put(k.substring("benchmark.cloak.".length()), v));
        return CloakSettings.of(m);
    }

    static CloakProperties properties() {
        return settings(Map.of());
    }

    static String describe(CloakProperties p) {
        return describeEnsemble(p) + "; transfer " + p.transfer() + "; MEDIUM " + p.medium();
    }

    private static String describeEnsemble(CloakProperties p) {
        if (p.ensemble() && p.transfer().mobileFace()) {
            return "dlib + MobileFace (FaceRes held out), MobileFace target " + p.ensembleTargetDistance();
        }
        return p.ensemble() ? "dlib + FaceRes, FaceRes target " + p.ensembleTargetDistance()
                + (p.ensembleFeatureWeight() > 0 ? ", feature loss " + Recognizers.builtIn().descriptor(Recognizers.FACERES).featureNode() + " x" + p.ensembleFeatureWeight() : "")
                : "none (dlib only)";
    }
}
