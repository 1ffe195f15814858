package dev.dntme.gateway.cloak;

/** Engine settings of a {@link TransferBenchmark} run, from system properties. */
final class TransferBenchmarkSetup {

    private TransferBenchmarkSetup() {}

    static CloakProperties properties() {
        CloakProperties d = CloakProperties.defaults();
        return d.withThreads(d.modelLocation(), Integer.getInteger("benchmark.workers", d.workers()),
                Integer.getInteger("benchmark.intraOpThreads", d.intraOpThreads()));
    }

    static String describe(CloakProperties p) {
        return "none (dlib only)";
    }
}
