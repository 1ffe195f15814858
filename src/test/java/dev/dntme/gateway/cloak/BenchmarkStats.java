package dev.dntme.gateway.cloak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Summary statistics the benchmarks report, computed one way so their tables compare. */
public final class BenchmarkStats {

    private BenchmarkStats() {
    }

    /** Nearest-rank percentile ({@code p} in 1..100); NaN for no values. */
    public static double pct(List<Double> v, int p) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }
}
