package dev.dntme.gateway.cloak.engine;

import dev.dntme.gateway.cloak.CloakProperties;
import dev.dntme.gateway.cloak.nets.FaceRes;

/** Engine settings of a {@link TransferBenchmark} run, from system properties. */
final class TransferBenchmarkSetup {

    private TransferBenchmarkSetup() {}

    static CloakProperties properties() {
        CloakProperties d = CloakProperties.defaults();
        CloakProperties p = d.withThreads(d.modelLocation(), Integer.getInteger("benchmark.workers", d.workers()),
                Integer.getInteger("benchmark.intraOpThreads", d.intraOpThreads()));
        CloakProperties.Level m = p.medium();
        CloakProperties.Level medium = new CloakProperties.Level(
                Float.parseFloat(System.getProperty("benchmark.eps", m.epsilon().toString())),
                Integer.getInteger("benchmark.steps", m.steps()), Integer.getInteger("benchmark.retrySteps", m.retrySteps()),
                Integer.getInteger("benchmark.rounds", m.rounds()), Integer.getInteger("benchmark.eotSamples", m.eotSamples()),
                Double.parseDouble(System.getProperty("benchmark.target", m.targetDistance().toString())));
        CloakProperties.Transfer t = p.transfer();
        CloakProperties.Transfer transfer = new CloakProperties.Transfer(
                Double.parseDouble(System.getProperty("benchmark.momentum", t.momentum().toString())),
                Double.parseDouble(System.getProperty("benchmark.tiSigma", t.tiSigma().toString())),
                Double.parseDouble(System.getProperty("benchmark.cell", t.cell().toString())),
                Double.parseDouble(System.getProperty("benchmark.eotZoom", t.eotZoom().toString())),
                Double.parseDouble(System.getProperty("benchmark.eotShift", t.eotShift().toString())),
                Double.parseDouble(System.getProperty("benchmark.eotBlur", t.eotBlur().toString())),
                System.getProperty("benchmark.ensembleModel", t.ensembleModel()),
                Double.parseDouble(System.getProperty("benchmark.extraWeight", t.extraWeight().toString())),
                Double.parseDouble(System.getProperty("benchmark.detectorWeight", t.detectorWeight().toString())),
                Double.parseDouble(System.getProperty("benchmark.adaptiveMaxEps", t.adaptiveMaxEps().toString())),
                Double.parseDouble(System.getProperty("benchmark.adaptiveMinSsim", t.adaptiveMinSsim().toString())),
                Double.parseDouble(System.getProperty("benchmark.dlibFeatureWeight", t.dlibFeatureWeight().toString())),
                System.getProperty("benchmark.dlibFeatureStage", t.dlibFeatureStage()),
                Boolean.parseBoolean(System.getProperty("benchmark.adaptiveOutsideBox", t.adaptiveOutsideBox().toString())));
        return p.withEnsemble(Boolean.getBoolean("benchmark.ensemble"),
                Double.parseDouble(System.getProperty("benchmark.ensembleTarget", p.ensembleTargetDistance().toString())),
                Double.parseDouble(System.getProperty("benchmark.featureWeight", "0")), medium).withTransfer(transfer);
    }

    static String describe(CloakProperties p) {
        return describeEnsemble(p) + "; transfer " + p.transfer() + "; MEDIUM " + p.medium();
    }

    private static String describeEnsemble(CloakProperties p) {
        if (p.ensemble() && p.transfer().mobileFace()) {
            return "dlib + MobileFace (FaceRes held out), MobileFace target " + p.ensembleTargetDistance();
        }
        return p.ensemble() ? "dlib + FaceRes, FaceRes target " + p.ensembleTargetDistance()
                + (p.ensembleFeatureWeight() > 0 ? ", feature loss " + FaceRes.FEATURE_NODE + " x" + p.ensembleFeatureWeight() : "")
                : "none (dlib only)";
    }
}
