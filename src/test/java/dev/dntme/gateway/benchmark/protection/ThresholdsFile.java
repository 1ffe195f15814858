package dev.dntme.gateway.benchmark.protection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Thresholds fixed once (issue 19): each scraper's equal-error threshold on ALL clean labelled pairs of the full
 * set, in a properties file ({@code -Dbenchmark.thresholds=<file>}) that later runs read instead of recomputing a
 * threshold on each subset. Numbers only, no images: {@code <scraper>=<threshold>} is what a run uses; the
 * {@code <scraper>.eer}, {@code .false_reject}, {@code .false_accept}, {@code .same_pairs}, {@code .different_pairs}
 * and {@code .skipped_pairs} keys say what it was computed on (the header comment says when and how).
 */
public final class ThresholdsFile {

    private ThresholdsFile() {
    }

    private static final List<String> DETAIL = List.of("eer", "false_reject", "false_accept", "same_pairs", "different_pairs",
            "skipped_pairs");

    /** Thresholds by scraper name; the pairs-skipped count is not part of the record and is dropped. */
    public static Map<String, EqualErrorThreshold> read(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String l = line.trim();
                if (l.isEmpty() || l.startsWith("#") || l.startsWith("!")) {
                    continue;
                }
                int eq = l.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException(file + ": not key=value: " + line);
                }
                values.put(l.substring(0, eq).trim(), l.substring(eq + 1).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, EqualErrorThreshold> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!k.contains(".")) {
                out.put(k, new EqualErrorThreshold(Double.parseDouble(v), number(values, k + ".eer"), number(values, k + ".false_reject"),
                        number(values, k + ".false_accept"), (int) number(values, k + ".same_pairs"),
                        (int) number(values, k + ".different_pairs")));
            }
        });
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no <scraper>=<threshold> line");
        }
        return out;
    }

    private static double number(Map<String, String> values, String key) {
        String v = values.get(key);
        return v == null ? Double.NaN : Double.parseDouble(v);
    }

    /** The file's text: a comment header, then per scraper its threshold and what it was computed on. */
    public static String format(Map<String, EqualErrorThreshold> thresholds, Map<String, Integer> skipped, List<String> header) {
        StringBuilder out = new StringBuilder();
        header.forEach(h -> out.append("# ").append(h).append('\n'));
        thresholds.forEach((name, t) -> {
            out.append(String.format(Locale.ROOT, "# %s: EER %.2f%% (false reject %.2f%%, false accept %.2f%%) on %d same / %d different "
                            + "clean pairs, %d pairs skipped (no face)%n", name, 100 * t.eer(), 100 * t.falseReject(), 100 * t.falseAccept(),
                    t.samePairs(), t.differentPairs(), skipped.getOrDefault(name, 0)));
            out.append(name).append('=').append(exact(t.threshold())).append('\n');
            double[] detail = {t.eer(), t.falseReject(), t.falseAccept(), t.samePairs(), t.differentPairs(), skipped.getOrDefault(name, 0)};
            for (int i = 0; i < DETAIL.size(); i++) {
                out.append(name).append('.').append(DETAIL.get(i)).append('=')
                        .append(i >= 3 ? Long.toString(Math.round(detail[i])) : String.format(Locale.ROOT, "%.6f", detail[i])).append('\n');
            }
        });
        return out.toString();
    }

    public static void write(Path file, Map<String, EqualErrorThreshold> thresholds, Map<String, Integer> skipped, List<String> header) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, format(thresholds, skipped, header), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The threshold as Java prints a double: reading it back gives the same value (a pair at it stays "not same"). */
    private static String exact(double v) {
        return Double.toString(v);
    }
}
