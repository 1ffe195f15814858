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
    public record Options(int runs, int draws, long seed, String heldOut, Set<String> inLoss, Path cacheDir) {
    }

    /** One probe of one run: what the cloaker returned and what each model made of it. */
    public record ProbeRun(int run, String person, String probe, Published published, Map<String, ProbeOutcome> outcomes,
            Map<String, String> publishedDetector, double scrapeMillis) {
    }

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

    public ProtectionMeasurement(ProtectionSet set, List<ScraperModel> models, Cloaker cloaker, Options options) {
        this.set = set;
        this.models = models;
        this.cloaker = cloaker;
        this.options = options;
        this.bootstrap = new PeopleBootstrap(options.draws(), options.seed());
    }

    public ProtectionMeasurement measure() {
        embedClean();
        computeThresholds();
        for (int run = 1; run <= options.runs(); run++) {
            for (String person : set.people()) {
                probes.add(probe(run, person));
            }
        }
        return this;
    }

    private void embedClean() {
        Map<String, EmbeddingCache> caches = new LinkedHashMap<>();
        for (ScraperModel m : models) {
            clean.put(m.name(), new TreeMap<>());
            if (options.cacheDir() != null) {
                caches.put(m.name(), new EmbeddingCache(options.cacheDir(), m.name()));
            }
        }
        for (String file : set.allPhotos()) {
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
        return new ProbeRun(run, person, probe, published, outcomes, detectors, (System.nanoTime() - s0) / 1e6);
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
        Map<String, int[]> byPerson = new TreeMap<>();
        for (PersonCount c : counts.apply(outcomes(model, run))) {
            int[] a = byPerson.computeIfAbsent(c.person(), k -> new int[2]);
            a[0] += c.hits();
            a[1] += c.total();
        }
        List<PersonCount> pooled = new ArrayList<>();
        byPerson.forEach((p, a) -> pooled.add(new PersonCount(p, a[0], a[1])));
        return bootstrap.rate(pooled);
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

        out.append("## Thresholds (each scraper's own equal-error point on the clean pairs)\n\n");
        out.append("Pairs: ").append(set.thresholdPairSource()).append(".\n\n");
        out.append("| scraper | threshold | EER | false reject / false accept | same / different pairs | pairs without a face (skipped) |\n|---|---|---|---|---|---|\n");
        for (ScraperModel m : models) {
            EqualErrorThreshold t = thresholds.get(m.name());
            out.append(String.format(Locale.ROOT, "| %s | %.4f | %.1f%% | %.1f%% / %.1f%% | %d / %d | %d |%n", m.name(), t.threshold(),
                    100 * t.eer(), 100 * t.falseReject(), 100 * t.falseAccept(), t.samePairs(), t.differentPairs(),
                    thresholdPairsSkipped.get(m.name())));
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

    /** One row per (run, probe, scraper): everything needed to pool runs later. */
    public String csv(String label) {
        StringBuilder out = new StringBuilder("label,run,person,probe,scraper,threshold,failed_closed,millis,steps,rounds,receipt_faces,"
                + "receipt_ssim_min,receipt_ssim_mean,receipt_distance_min,clean_detector,published_detector,self_distance,self_matched,"
                + "pairs,unmatched_published,unmatched_clean,published_not_found,min_pair_distance_published\n");
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
                        Boolean.toString(!pub.failedClosed() && !o.publishedFound()), num(minPair))).append('\n');
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
