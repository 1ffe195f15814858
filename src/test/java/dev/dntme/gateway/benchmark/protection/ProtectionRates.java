package dev.dntme.gateway.benchmark.protection;

import dev.dntme.gateway.benchmark.protection.PeopleBootstrap.PersonCount;
import java.util.ArrayList;
import java.util.List;

/**
 * How one model's distances become the benchmark's rates. A face the scraper cannot find counts as not
 * matched (it cannot be linked), and is counted separately as well. Probes that failed closed published
 * nothing: they are left out of every rate and reported on their own.
 */
public final class ProtectionRates {

    private ProtectionRates() {
    }

    /**
     * One same-person pair (probe x, clean other photo y of the same person) for one model.
     *
     * @param clean     distance clean x to clean y; NaN when the scraper finds no face on clean x
     * @param published distance published x to clean y; NaN when it finds no face on published x (or nothing was
     *                  published)
     */
    public record PairDistance(String other, double clean, double published) {
    }

    /**
     * One probe for one model. Pairs whose clean y has no face for this model are not in {@code pairs}.
     *
     * @param self distance published x to clean x; NaN when either has no face
     */
    public record ProbeOutcome(String person, String probe, boolean failedClosed, boolean cleanFound, boolean publishedFound,
            double self, List<PairDistance> pairs) {
    }

    /** Per person: same-person pairs the model no longer matches after publishing (undetected included). */
    public static List<PersonCount> unmatchedPublished(List<ProbeOutcome> probes, EqualErrorThreshold t) {
        return count(probes, p -> (int) p.pairs().stream().filter(d -> !matches(d.published(), t)).count(), p -> p.pairs().size());
    }

    /** Per person: the same pairs, clean x vs clean y (the baseline: the model's own false rejects on them). */
    public static List<PersonCount> unmatchedClean(List<ProbeOutcome> probes, EqualErrorThreshold t) {
        return count(probes, p -> (int) p.pairs().stream().filter(d -> !matches(d.clean(), t)).count(), p -> p.pairs().size());
    }

    /** Per person: pairs whose published face the scraper did not find at all. */
    public static List<PersonCount> undetectedPublished(List<ProbeOutcome> probes) {
        return count(probes, p -> p.publishedFound() ? 0 : p.pairs().size(), p -> p.pairs().size());
    }

    /** Per person: the published probe still matches its own clean original (probes with a clean face only). */
    public static List<PersonCount> selfMatched(List<ProbeOutcome> probes, EqualErrorThreshold t) {
        return count(probes, p -> p.cleanFound() && matches(p.self(), t) ? 1 : 0, p -> p.cleanFound() ? 1 : 0);
    }

    /** NaN (no face) never matches. */
    static boolean matches(double distance, EqualErrorThreshold t) {
        return !Double.isNaN(distance) && t.matches(distance);
    }

    private static List<PersonCount> count(List<ProbeOutcome> probes, java.util.function.ToIntFunction<ProbeOutcome> hits,
            java.util.function.ToIntFunction<ProbeOutcome> total) {
        List<PersonCount> out = new ArrayList<>();
        for (ProbeOutcome p : probes) {
            if (!p.failedClosed()) {
                out.add(new PersonCount(p.person(), hits.applyAsInt(p), total.applyAsInt(p)));
            }
        }
        return out;
    }
}
