package dev.dntme.gateway.benchmark.protection;

import dev.dntme.gateway.benchmark.protection.Cloaker.Published;
import dev.dntme.gateway.benchmark.protection.PeopleBootstrap.PersonCount;
import dev.dntme.gateway.benchmark.protection.PeopleBootstrap.Rate;
import dev.dntme.gateway.benchmark.protection.ProtectionRates.PairDistance;
import dev.dntme.gateway.benchmark.protection.ProtectionRates.ProbeOutcome;
import dev.dntme.gateway.benchmark.protection.ScraperModel.Scraped;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * The leave-one-out protection measurement, independent of how the cloak works: clean embeddings of every
 * photo by every scraper (cached), each scraper's equal-error threshold on the clean labelled pairs, then per
 * run every person's probe through {@link Cloaker#publish} and each scraper on the published bytes against
 * that person's other clean photos. {@link #markdown} and {@link #csv} give the figures.
 */
public final class ProtectionMeasurement {

    /**
     * @param runs     how many times to cloak and measure every probe
     * @param draws    bootstrap draws over people
     * @param seed     bootstrap seed
     * @param heldOut  the model the report labels as held out (only a label); may be empty
     * @param inLoss   models the cloak optimises against (labelled white-box); may be empty
     * @param cacheDir where clean embeddings are cached; null = no cache
     */
    public record Options(int runs, int draws, long seed, String heldOut, Set<String> inLoss, Path cacheDir, Set<String> heldOutSet,
            Map<String, EqualErrorThreshold> fixedThresholds, String fixedThresholdSource) {

        public Options(int runs, int draws, long seed, String heldOut, Set<String> inLoss, Path cacheDir) {
            this(runs, draws, seed, heldOut, inLoss, cacheDir, Set.of(), Map.of(), "");
        }

        /**
         * @param heldOutSet      the scrapers NOT in the cloak's loss whose unmatched rates the report averages
         *                        (leave-one-out mean); empty = none named
         * @param fixedThresholds thresholds fixed once on the full set ({@link ThresholdsFile}); empty = each
         *                        scraper's equal-error point on this set's clean pairs
         * @param source          where the fixed thresholds come from, for the report
         */
        public Options withFixed(Set<String> heldOutSet, Map<String, EqualErrorThreshold> fixedThresholds, String source) {
            return new Options(runs, draws, seed, heldOut, inLoss, cacheDir, heldOutSet, fixedThresholds, source);
        }
    }

    /** One probe of one run: what the cloaker returned and what each model made of it. */
    public record ProbeRun(int run, String person, String probe, Published published, Map<String, ProbeOutcome> outcomes,
            Map<String, String> publishedDetector, double scrapeMillis, Visibility.Face visibility) {
    }

    /** Probes shown side by side (original | published | amplified difference). */
    static final int SIDE_BY_SIDE = 4;

    private final ProtectionSet set;
    private final List<ScraperModel> models;
    private final Cloaker cloaker;
    private final Options options;
    private final PeopleBootstrap bootstrap;

    private final Map<String, Map<String, Scraped>> clean = new LinkedHashMap<>();
    private final List<Double> cleanMillis = new ArrayList<>();
    private int cachedPhotos;
    private final Map<String, EqualErrorThreshold> thresholds = new LinkedHashMap<>();
    private final Map<String, Integer> thresholdPairsSkipped = new LinkedHashMap<>();
    private final List<ProbeRun> probes = new ArrayList<>();
    private Visibility.Butteraugli butteraugli = Visibility.Butteraugli.installed(Visibility.BUTTERAUGLI);
    private final List<BufferedImage[]> sideBySide = new ArrayList<>();
    private final List<String> sideBySideCaptions = new ArrayList<>();

    public ProtectionMeasurement(ProtectionSet set, List<ScraperModel> models, Cloaker cloaker, Options options) {
        this.set = set;
        this.models = models;
        this.cloaker = cloaker;
        this.options = options;
        this.bootstrap = new PeopleBootstrap(options.draws(), options.seed());
    }

    /** Which butteraugli to run on the face crops; null = none (the column is reported as not measured). */
    public ProtectionMeasurement butteraugli(Visibility.Butteraugli b) {
        this.butteraugli = b;
        return this;
    }

    public ProtectionMeasurement measure() {
        embedClean();
        if (options.fixedThresholds().isEmpty()) {
            computeThresholds();
        } else {
            for (ScraperModel m : models) {
                EqualErrorThreshold t = options.fixedThresholds().get(m.name());
                if (t == null) {
                    throw new IllegalArgumentException("no fixed threshold for " + m.name() + " in " + options.fixedThresholdSource());
                }
                thresholds.put(m.name(), t);
            }
        }
        for (int run = 1; run <= options.runs(); run++) {
            for (String person : set.people()) {
                probes.add(probe(run, person));
            }
        }
        return this;
    }

    /** Only the clean side: every photo's embeddings (cached) and each scraper's equal-error threshold on the set's pairs. */
    public ProtectionMeasurement cleanThresholds() {
        embedClean();
        computeThresholds();
        return this;
    }

    /** Per scraper, threshold pairs left out because the scraper found no face on one of the photos. */
    public Map<String, Integer> thresholdPairsSkipped() {
        return thresholdPairsSkipped;
    }

    private void embedClean() {
        Map<String, EmbeddingCache> caches = new LinkedHashMap<>();
        for (ScraperModel m : models) {
            clean.put(m.name(), new TreeMap<>());
            if (options.cacheDir() != null) {
                caches.put(m.name(), new EmbeddingCache(options.cacheDir(), m.name()));
            }
        }
        int done = 0;
        long start = System.nanoTime();
        for (String file : set.allPhotos()) {
            if (++done % 100 == 0) {
                System.out.printf(Locale.ROOT, "clean embeddings: %d of %d photos, %.0f s%n", done, set.allPhotos().size(),
                        (System.nanoTime() - start) / 1e9);
            }
            byte[] bytes = read(set.path(file));
            String sha1 = EmbeddingCache.sha1(bytes);
            BufferedImage image = null;
            long t0 = System.nanoTime();
            boolean computed = false;
            for (ScraperModel m : models) {
                EmbeddingCache cache = caches.get(m.name());
                Scraped s = cache == null ? null : cache.get(sha1);
                if (s == null) {
                    if (image == null) {
                        image = decode(bytes);
                    }
                    s = m.embed(image);
                    computed = true;
                    if (cache != null) {
                        cache.put(sha1, file, s);
                    }
                }
                clean.get(m.name()).put(file, s);
            }
            if (computed) {
                cleanMillis.add((System.nanoTime() - t0) / 1e6);
            } else {
                cachedPhotos++;
            }
        }
    }

    private void computeThresholds() {
        for (ScraperModel m : models) {
            Map<String, Scraped> e = clean.get(m.name());
            List<Double> same = new ArrayList<>(), different = new ArrayList<>();
            int skipped = 0;
            for (ProtectionSet.Pair p : set.thresholdPairs()) {
                Scraped x = e.get(p.x()), y = e.get(p.y());
                if (x == null || y == null || !x.found() || !y.found()) {
                    skipped++;
                    continue;
                }
                (p.same() ? same : different).add(m.distance(x.embedding(), y.embedding()));
            }
            thresholds.put(m.name(), EqualErrorThreshold.of(same, different));
            thresholdPairsSkipped.put(m.name(), skipped);
        }
    }

    private ProbeRun probe(int run, String person) {
        String probe = set.probe(person);
        byte[] original = read(set.path(probe));
        Published published;
        long t0 = System.nanoTime();
        try {
            published = cloaker.publish(original);
        } catch (RuntimeException e) { // a publish that throws published nothing: failed closed, reported
            published = Published.failedClosed(e.toString(), (System.nanoTime() - t0) / 1e6);
        }
        Map<String, ProbeOutcome> outcomes = new LinkedHashMap<>();
        Map<String, String> detectors = new LinkedHashMap<>();
        BufferedImage image = published.failedClosed() ? null : decode(published.bytes());
        Visibility.Face visibility = image == null ? null : visibility(run, probe, decode(original), image, published);
        long s0 = System.nanoTime();
        for (ScraperModel m : models) {
            Map<String, Scraped> e = clean.get(m.name());
            Scraped x = e.get(probe);
            Scraped p = image == null ? Scraped.none() : m.embed(image);
            detectors.put(m.name(), p.detector());
            List<PairDistance> pairs = new ArrayList<>();
            for (String other : set.others(person)) {
                Scraped y = e.get(other);
                if (!y.found()) {
                    continue; // the scraper has no clean face of y: no pair to judge
                }
                pairs.add(new PairDistance(other, x.found() ? m.distance(x.embedding(), y.embedding()) : Double.NaN,
                        p.found() ? m.distance(p.embedding(), y.embedding()) : Double.NaN));
            }
            double self = x.found() && p.found() ? m.distance(x.embedding(), p.embedding()) : Double.NaN;
            outcomes.put(m.name(), new ProbeOutcome(person, probe, published.failedClosed(), x.found(), p.found(), self, pairs));
        }
        ProbeRun r = new ProbeRun(run, person, probe, published, outcomes, detectors, (System.nanoTime() - s0) / 1e6, visibility);
        System.out.printf(Locale.ROOT, "run %d probe %d of %d: %s %s, %.1f s%s%n", run, probes.size() + 1, set.people().size() * options.runs(),
                probe, published.failedClosed() ? "FAILED CLOSED" : "published", published.millis() / 1e3,
                visibility == null ? "" : String.format(Locale.ROOT, ", face SSIM %.4f, butteraugli %.2f", visibility.ssim(), visibility.butteraugli()));
        return r;
    }

    /**
     * The published face against its original on the service's own face box (the receipt's, the one nearest the
     * image centre) enlarged by 20% each side; null when the receipt has no box or the sizes differ.
     */
    private Visibility.Face visibility(int run, String probe, BufferedImage original, BufferedImage published, Published p) {
        List<java.awt.Rectangle> boxes = p.faces().stream().map(Cloaker.Face::box).filter(java.util.Objects::nonNull).toList();
        if (boxes.isEmpty() || original.getWidth() != published.getWidth() || original.getHeight() != published.getHeight()) {
            return null;
        }
        Visibility.Face v = Visibility.measure(original, published, Visibility.nearestCentre(boxes, original.getWidth(), original.getHeight()),
                butteraugli);
        if (run == 1 && sideBySide.size() < SIDE_BY_SIDE) {
            sideBySide.add(new BufferedImage[] {Visibility.crop(original, v.region()), Visibility.crop(published, v.region())});
            sideBySideCaptions.add(String.format(Locale.ROOT, "%s: SSIM %.3f, butteraugli %.2f", probe, v.ssim(), v.butteraugli()));
        }
        return v;
    }

    /** Up to four probes of the first run: original | published | amplified difference, 1:1 and 2x; null when none was measured. */
    public BufferedImage sideBySide() {
        return sideBySide.isEmpty() ? null : Visibility.sideBySide(sideBySide, sideBySideCaptions);
    }

    // ---- figures ----

    public Map<String, EqualErrorThreshold> thresholds() {
        return thresholds;
    }

    public List<ProbeRun> probes() {
        return probes;
    }

    private List<ProbeOutcome> outcomes(String model, int run) {
        return probes.stream().filter(p -> run == 0 || p.run() == run).map(p -> p.outcomes().get(model)).toList();
    }

    /** Over all runs, a person's counts summed (the person stays the unit the bootstrap draws). */
    private Rate rate(String model, int run, Function<List<ProbeOutcome>, List<PersonCount>> counts) {
        return bootstrap.rate(pooled(model, run, counts));
    }

    private List<PersonCount> pooled(String model, int run, Function<List<ProbeOutcome>, List<PersonCount>> counts) {
        Map<String, int[]> byPerson = new TreeMap<>();
        for (PersonCount c : counts.apply(outcomes(model, run))) {
            int[] a = byPerson.computeIfAbsent(c.person(), k -> new int[2]);
            a[0] += c.hits();
            a[1] += c.total();
        }
        List<PersonCount> pooled = new ArrayList<>();
        byPerson.forEach((p, a) -> pooled.add(new PersonCount(p, a[0], a[1])));
        return pooled;
    }

    /**
     * The mean of the named scrapers' unmatched rates (published), with an interval from the same people draws
     * as each scraper's own rate; scrapers not measured in this run are left out (see {@link #measured}).
     */
    public Rate meanUnmatched(Set<String> names, int run) {
        List<List<PersonCount>> lists = new ArrayList<>();
        for (String m : measured(names)) {
            EqualErrorThreshold t = thresholds.get(m);
            lists.add(pooled(m, run, o -> ProtectionRates.unmatchedPublished(o, t)));
        }
        return bootstrap.meanRate(lists);
    }

    /** The same mean on the same pairs before cloaking (clean probe): the scrapers' own misses, the baseline. */
    public Rate meanUnmatchedClean(Set<String> names, int run) {
        List<List<PersonCount>> lists = new ArrayList<>();
        for (String m : measured(names)) {
            EqualErrorThreshold t = thresholds.get(m);
            lists.add(pooled(m, run, o -> ProtectionRates.unmatchedClean(o, t)));
        }
        return bootstrap.meanRate(lists);
    }

    /** The named scrapers that this run measured, in the run's order. */
    public List<String> measured(Set<String> names) {
        return models.stream().map(ScraperModel::name).filter(names::contains).toList();
    }

    /** The scrapers the cloak optimises against that this run measured. */
    public Set<String> whiteBox() {
        return new java.util.LinkedHashSet<>(measured(options.inLoss()));
    }

    /** The held-out set as given, less any scraper that is also in the loss (it is not held out then). */
    public Set<String> heldOutSet() {
        Set<String> out = new java.util.LinkedHashSet<>(options.heldOutSet());
        out.removeAll(options.inLoss());
        return out;
    }

    private List<Double> visibleSsim(int run) {
        return publishedProbes(run).stream().filter(p -> p.visibility() != null).map(p -> p.visibility().ssim()).toList();
    }

    private List<Double> butteraugliDistances(int run) {
        return publishedProbes(run).stream().filter(p -> p.visibility() != null && !Double.isNaN(p.visibility().butteraugli()))
                .map(p -> p.visibility().butteraugli()).toList();
    }

    private List<Double> publishSeconds(int run) {
        return publishedProbes(run).stream().map(p -> p.published().millis() / 1e3).toList();
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** This run in one row, for {@link ProtectionPlot}. */
    public ProtectionSummary summary(String label) {
        Rate held = meanUnmatched(heldOutSet(), 0), white = meanUnmatched(options.inLoss(), 0);
        Rate dlib = thresholds.containsKey("dlib") ? unmatchedPublished("dlib", 0) : new Rate(0, 0, Double.NaN, Double.NaN, Double.NaN);
        List<Double> ssim = visibleSsim(0), butter = butteraugliDistances(0), seconds = publishSeconds(0);
        double p50 = pct(seconds, 50);
        return new ProtectionSummary(label, set.people().size(), publishedProbes(0).size(), (int) failedClosed(0),
                String.join(";", measured(heldOutSet())), held.value(), held.low(), held.high(), String.join(";", whiteBox()), white.value(),
                white.low(), white.high(), dlib.value(), dlib.low(), dlib.high(), pct(butter, 50), pct(butter, 90), mean(ssim),
                ssim.isEmpty() ? Double.NaN : ssim.stream().filter(v -> v < 0.95).count() / (double) ssim.size(), p50, pct(seconds, 90),
                60 / (p50 * cores()), cores());
    }

    public Rate unmatchedPublished(String model, int run) {
        EqualErrorThreshold t = thresholds.get(model);
        return rate(model, run, o -> ProtectionRates.unmatchedPublished(o, t));
    }

    public Rate unmatchedClean(String model, int run) {
        EqualErrorThreshold t = thresholds.get(model);
        return rate(model, run, o -> ProtectionRates.unmatchedClean(o, t));
    }

    public Rate undetectedPublished(String model, int run) {
        return rate(model, run, ProtectionRates::undetectedPublished);
    }

    public Rate selfMatched(String model, int run) {
        EqualErrorThreshold t = thresholds.get(model);
        return rate(model, run, o -> ProtectionRates.selfMatched(o, t));
    }

    private List<ProbeRun> publishedProbes(int run) {
        return probes.stream().filter(p -> (run == 0 || p.run() == run) && !p.published().failedClosed()).toList();
    }

    private List<Double> faceSsim(int run) {
        List<Double> v = new ArrayList<>();
        publishedProbes(run).forEach(p -> p.published().faces().forEach(f -> v.add(f.ssim())));
        return v;
    }

    private List<Double> oneFaceMillis(int run) {
        return publishedProbes(run).stream().filter(p -> p.published().faces().size() == 1).map(p -> p.published().millis()).toList();
    }

    private long failedClosed(int run) {
        return probes.stream().filter(p -> (run == 0 || p.run() == run) && p.published().failedClosed()).count();
    }

    public String markdown(String title, String commandLine) {
        StringBuilder out = new StringBuilder("# ").append(title).append("\n\n");
        out.append("Command: `").append(commandLine).append("`\n\n");
        out.append(String.format(Locale.ROOT, "Machine: %d cores visible, %s, load average at end %.2f. Java %s.%n%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), System.getProperty("java.version")));
        out.append(String.format(Locale.ROOT, "Set: %s: %d people (of %d with 2+ photos), %d photos, %d probes (one cloaked photo per person, "
                        + "the first by name) x %d run(s), %d protected same-person pairs per run (published probe vs each clean other photo).%n%n",
                set.root(), set.people().size(), set.peopleInFolder(), set.allPhotos().size(), set.people().size(), options.runs(),
                set.protectedPairs()));
        out.append("Cloak: ").append(cloaker.describe()).append("\n\n");
        out.append(String.format(Locale.ROOT, "Held out (label): %s. Intervals: 95%%, percentile bootstrap over people, %d draws, seed %d.%n%n",
                options.heldOut().isEmpty() ? "none given" : options.heldOut(), options.draws(), options.seed()));

        if (options.fixedThresholds().isEmpty()) {
            out.append("## Thresholds (each scraper's own equal-error point on the clean pairs)\n\n");
            out.append("Pairs: ").append(set.thresholdPairSource()).append(".\n\n");
        } else {
            out.append("## Thresholds (fixed once: each scraper's equal-error point on ALL clean pairs of the full set)\n\n");
            out.append("From ").append(options.fixedThresholdSource()).append("; not recomputed on this subset.\n\n");
        }
        out.append("| scraper | threshold | EER | false reject / false accept | same / different pairs | pairs without a face (skipped) |\n|---|---|---|---|---|---|\n");
        for (ScraperModel m : models) {
            EqualErrorThreshold t = thresholds.get(m.name());
            out.append(String.format(Locale.ROOT, "| %s | %.4f | %.1f%% | %.1f%% / %.1f%% | %d / %d | %s |%n", m.name(), t.threshold(),
                    100 * t.eer(), 100 * t.falseReject(), 100 * t.falseAccept(), t.samePairs(), t.differentPairs(),
                    thresholdPairsSkipped.containsKey(m.name()) ? thresholdPairsSkipped.get(m.name()).toString() : "see the file"));
        }

        out.append(String.format(Locale.ROOT, "%n## Protection (published bytes; %s)%n%n", options.runs() > 1 ? "all runs pooled, people summed over runs" : "one run"));
        out.append("Unmatched = distance >= the scraper's threshold, or no face found on the published photo (also shown on its own). "
                + "Self-match = the published probe still matches its own clean original. Probes that failed closed published nothing and are not in these rates.\n\n");
        out.append("| scraper | role | same-person pairs unmatched, published | same pairs unmatched, clean (baseline) | published face not found | self-match |\n|---|---|---|---|---|---|\n");
        for (ScraperModel m : models) {
            out.append(String.format(Locale.ROOT, "| %s | %s | **%s** | %s | %s | %s |%n", m.name(), role(m.name()),
                    unmatchedPublished(m.name(), 0).percent(), unmatchedClean(m.name(), 0).percent(),
                    undetectedPublished(m.name(), 0).percent(), selfMatched(m.name(), 0).percent()));
        }

        appendLeaveOneOut(out);
        appendVisibility(out);

        List<Double> ssim = faceSsim(0);
        List<Double> oneFace = oneFaceMillis(0);
        List<Double> allMillis = publishedProbes(0).stream().map(p -> p.published().millis()).toList();
        out.append("\n## Cloak\n\n| figure | value |\n|---|---|\n");
        out.append(String.format(Locale.ROOT, "| publishes (probes x runs) | %d |%n", probes.size()));
        out.append(String.format(Locale.ROOT, "| **failed closed** (nothing published) | %d |%n", failedClosed(0)));
        out.append(String.format(Locale.ROOT, "| receipt faces | %d (photos with one face: %d) |%n", ssim.size(), oneFace.size()));
        out.append(String.format(Locale.ROOT, "| face SSIM (receipts) mean / min | %.4f / %.4f |%n", mean(ssim), min(ssim)));
        out.append(String.format(Locale.ROOT, "| faces under SSIM 0.95 | %d of %d (%.1f%%) |%n", ssim.stream().filter(v -> v < 0.95).count(),
                ssim.size(), 100.0 * ssim.stream().filter(v -> v < 0.95).count() / Math.max(1, ssim.size())));
        out.append(String.format(Locale.ROOT, "| one-face publish latency p50 / p95 (ms, wall) | %.0f / %.0f |%n", pct(oneFace, 50), pct(oneFace, 95)));
        out.append(String.format(Locale.ROOT, "| any-face publish latency p50 / p95 (ms, wall) | %.0f / %.0f |%n", pct(allMillis, 50), pct(allMillis, 95)));
        List<Double> steps = publishedProbes(0).stream().filter(p -> p.published().steps() >= 0).map(p -> (double) p.published().steps()).toList();
        List<Double> rounds = publishedProbes(0).stream().filter(p -> p.published().rounds() >= 0).map(p -> (double) p.published().rounds()).toList();
        out.append(String.format(Locale.ROOT, "| steps per photo mean / max | %s |%n", steps.isEmpty() ? "n/a"
                : String.format(Locale.ROOT, "%.2f / %.0f", mean(steps), Collections.max(steps))));
        out.append(String.format(Locale.ROOT, "| publish checks (rounds) per photo mean / max | %s |%n", rounds.isEmpty() ? "n/a"
                : String.format(Locale.ROOT, "%.2f / %.0f", mean(rounds), Collections.max(rounds))));
        out.append(String.format(Locale.ROOT, "| clean embedding, every scraper incl. detection, ms per photo mean / p50 | %s |%n",
                cleanMillis.isEmpty() ? "all " + cachedPhotos + " photos from the cache"
                        : String.format(Locale.ROOT, "%.0f / %.0f (%d photos computed, %d from the cache)", mean(cleanMillis), pct(cleanMillis, 50),
                                cleanMillis.size(), cachedPhotos)));
        List<Double> scrape = publishedProbes(0).stream().map(ProbeRun::scrapeMillis).toList();
        out.append(String.format(Locale.ROOT, "| scraping a published probe, every scraper, ms mean | %.0f |%n", mean(scrape)));

        out.append("\n## Scraper front end (which detector found the labelled face)\n\n");
        out.append("| scraper | clean photos: tiny / ssd fallback / none | published probes: tiny / ssd fallback / none |\n|---|---|---|\n");
        for (ScraperModel m : models) {
            Map<String, Integer> c = new TreeMap<>(), p = new TreeMap<>();
            clean.get(m.name()).values().forEach(s -> c.merge(String.valueOf(s.detector()), 1, Integer::sum));
            publishedProbes(0).forEach(r -> p.merge(String.valueOf(r.publishedDetector().get(m.name())), 1, Integer::sum));
            out.append(String.format(Locale.ROOT, "| %s | %d / %d / %d | %d / %d / %d |%n", m.name(), c.getOrDefault("tiny", 0),
                    c.getOrDefault("ssd", 0), c.getOrDefault("null", 0), p.getOrDefault("tiny", 0), p.getOrDefault("ssd", 0),
                    p.getOrDefault("null", 0)));
        }

        if (options.runs() > 1) {
            out.append("\n## Runs\n\n| run | ");
            models.forEach(m -> out.append(m.name()).append(" unmatched | ").append(m.name()).append(" self-match | "));
            out.append("face SSIM mean / min | under 0.95 | one-face p50 / p95 ms | failed closed |\n|---|");
            models.forEach(m -> out.append("---|---|"));
            out.append("---|---|---|---|\n");
            for (int run = 1; run <= options.runs(); run++) {
                out.append("| ").append(run).append(" | ");
                for (ScraperModel m : models) {
                    out.append(unmatchedPublished(m.name(), run).percent()).append(" | ").append(selfMatched(m.name(), run).percent()).append(" | ");
                }
                List<Double> s = faceSsim(run), ms = oneFaceMillis(run);
                out.append(String.format(Locale.ROOT, "%.4f / %.4f | %d | %.0f / %.0f | %d |%n", mean(s), min(s),
                        s.stream().filter(v -> v < 0.95).count(), pct(ms, 50), pct(ms, 95), failedClosed(run)));
            }
            out.append("\nSpread over runs (unmatched, published):\n\n| scraper | mean | min | max |\n|---|---|---|---|\n");
            for (ScraperModel m : models) {
                List<Double> v = new ArrayList<>();
                for (int run = 1; run <= options.runs(); run++) {
                    v.add(unmatchedPublished(m.name(), run).value());
                }
                out.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.1f%% | %.1f%% |%n", m.name(), 100 * mean(v), 100 * min(v),
                        100 * Collections.max(v)));
            }
        }

        List<ProbeRun> failed = probes.stream().filter(p -> p.published().failedClosed()).toList();
        if (!failed.isEmpty()) {
            out.append("\n## Failed closed\n\n");
            failed.forEach(p -> out.append("- run ").append(p.run()).append(", ").append(p.probe()).append(": ")
                    .append(p.published().failure()).append('\n'));
        }
        return out.toString();
    }

    private void appendLeaveOneOut(StringBuilder out) {
        out.append("\n## Leave-one-out mean (published; mean of the scrapers' unmatched rates, interval from the same people draws)\n\n");
        Set<String> held = heldOutSet();
        List<String> missing = options.heldOutSet().stream().filter(n -> !measured(options.heldOutSet()).contains(n)).toList();
        List<String> inLossToo = options.heldOutSet().stream().filter(options.inLoss()::contains).toList();
        out.append("| group | scrapers | mean unmatched, published [95%] (pairs summed over scrapers) | same pairs, clean (baseline) |\n"
                + "|---|---|---|---|\n");
        out.append(String.format(Locale.ROOT, "| **held out** (not in the cloak's loss) | %s | **%s** | %s |%n",
                held.isEmpty() ? "none named (-Dbenchmark.heldOutSet)" : String.join(", ", measured(held)), meanUnmatched(held, 0).percent(),
                meanUnmatchedClean(held, 0).percent()));
        out.append(String.format(Locale.ROOT, "| white-box (in the loss) | %s | %s | %s |%n", String.join(", ", whiteBox()),
                meanUnmatched(options.inLoss(), 0).percent(), meanUnmatchedClean(options.inLoss(), 0).percent()));
        if (!missing.isEmpty()) {
            out.append("\nNamed held out but not measured in this run (left out of the mean): ").append(String.join(", ", missing)).append(".\n");
        }
        if (!inLossToo.isEmpty()) {
            out.append("\nNamed held out but in the cloak's loss (counted as white-box, not held out): ").append(String.join(", ", inLossToo))
                    .append(".\n");
        }
    }

    private void appendVisibility(StringBuilder out) {
        List<Double> ssim = visibleSsim(0), butter = butteraugliDistances(0), seconds = publishSeconds(0);
        long measuredFaces = publishedProbes(0).stream().filter(p -> p.visibility() != null).count();
        out.append("\n## Visibility and cost (published probe vs its original)\n\n");
        out.append("Face region: the service's own face box (the cloak receipt's detection, the face nearest the image centre) enlarged by 20% "
                + "of its width and height on each side, clipped to the image. Face SSIM: the service's `Ssim` (luma) on that region. "
                + "Butteraugli: Debian's `" + Visibility.BUTTERAUGLI + "` on the two crops written as PNG (under ~1: not noticed).\n\n");
        out.append("| figure | value |\n|---|---|\n");
        out.append(String.format(Locale.ROOT, "| faces measured | %d of %d published probes |%n", measuredFaces, publishedProbes(0).size()));
        out.append(String.format(Locale.ROOT, "| face SSIM (box +20%%) mean / min | %.4f / %.4f |%n", mean(ssim), min(ssim)));
        out.append(String.format(Locale.ROOT, "| face SSIM (box +20%%) under 0.95 | %d of %d (%.1f%%) |%n", ssim.stream().filter(v -> v < 0.95).count(),
                ssim.size(), 100.0 * ssim.stream().filter(v -> v < 0.95).count() / Math.max(1, ssim.size())));
        if (butteraugli == null) {
            out.append("| butteraugli median / p90 | not measured: ").append(Visibility.BUTTERAUGLI).append(" is not installed |\n");
        } else {
            out.append(String.format(Locale.ROOT, "| butteraugli median / p90 / max | %.2f / %.2f / %.2f (%d faces) |%n", pct(butter, 50), pct(butter, 90),
                    butter.isEmpty() ? Double.NaN : Collections.max(butter), butter.size()));
        }
        double p50 = pct(seconds, 50);
        out.append(String.format(Locale.ROOT, "| seconds per published photo p50 / p90 (wall, publish call) | %.1f / %.1f |%n", p50, pct(seconds, 90)));
        out.append(String.format(Locale.ROOT, "| photos per core-minute (60 / (p50 s x %d cores = availableProcessors)) | %.2f |%n", cores(),
                60 / (p50 * cores())));
    }

    /** One row per (run, probe, scraper): everything needed to pool runs later. */
    public String csv(String label) {
        StringBuilder out = new StringBuilder("label,run,person,probe,scraper,threshold,failed_closed,millis,steps,rounds,receipt_faces,"
                + "receipt_ssim_min,receipt_ssim_mean,receipt_distance_min,clean_detector,published_detector,self_distance,self_matched,"
                + "pairs,unmatched_published,unmatched_clean,published_not_found,min_pair_distance_published,face_ssim_box20,butteraugli\n");
        for (ProbeRun p : probes) {
            Published pub = p.published();
            List<Double> ssim = pub.faces().stream().map(Cloaker.Face::ssim).toList();
            List<Double> dist = pub.faces().stream().map(Cloaker.Face::distance).toList();
            for (ScraperModel m : models) {
                ProbeOutcome o = p.outcomes().get(m.name());
                EqualErrorThreshold t = thresholds.get(m.name());
                int unmatchedPub = (int) o.pairs().stream().filter(d -> !ProtectionRates.matches(d.published(), t)).count();
                int unmatchedClean = (int) o.pairs().stream().filter(d -> !ProtectionRates.matches(d.clean(), t)).count();
                double minPair = o.pairs().stream().mapToDouble(PairDistance::published).filter(d -> !Double.isNaN(d)).min().orElse(Double.NaN);
                out.append(String.join(",", csvField(label), Integer.toString(p.run()), csvField(p.person()), csvField(p.probe()), m.name(),
                        num(t.threshold()), Boolean.toString(pub.failedClosed()), num(pub.millis()), Integer.toString(pub.steps()),
                        Integer.toString(pub.rounds()), Integer.toString(pub.faces().size()), num(min(ssim)), num(mean(ssim)), num(min(dist)),
                        String.valueOf(clean.get(m.name()).get(p.probe()).detector()), String.valueOf(p.publishedDetector().get(m.name())),
                        num(o.self()), Boolean.toString(ProtectionRates.matches(o.self(), t)), Integer.toString(o.pairs().size()),
                        Integer.toString(unmatchedPub), Integer.toString(unmatchedClean),
                        Boolean.toString(!pub.failedClosed() && !o.publishedFound()), num(minPair),
                        p.visibility() == null ? "" : num(p.visibility().ssim()),
                        p.visibility() == null ? "" : num(p.visibility().butteraugli()))).append('\n');
            }
        }
        return out.toString();
    }

    private String role(String model) {
        if (model.equals(options.heldOut())) {
            return "held out";
        }
        return options.inLoss().contains(model) ? "white-box (in the loss)" : "not in the loss";
    }

    // ---- helpers ----

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a scraper does with downloaded bytes: a stock decoder, 8-bit RGB. */
    static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage raw = ImageIO.read(new ByteArrayInputStream(bytes));
            if (raw == null) {
                throw new IOException("not an image ImageIO reads");
            }
            BufferedImage rgb = new BufferedImage(raw.getWidth(), raw.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(raw, 0, 0, null);
            return rgb;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }

    /** Nearest-rank percentile ({@code p} in 1..100); NaN for no values. */
    static double pct(List<Double> v, int p) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(Math.max(0, Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1)));
    }

    static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
