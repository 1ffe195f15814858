package dev.dntme.gateway.benchmark.protection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One benchmark run in one row ({@code target/benchmark-protection[-label]-summary.csv}), what
 * {@link ProtectionPlot} draws: held-out protection against visibility and cost. Rates are shares (0..1), NaN
 * (an empty field) where not measured. Scraper sets are {@code ;}-separated.
 */
public record ProtectionSummary(String label, int people, int published, int failedClosed, String heldOutSet, double heldOutMean,
        double heldOutLow, double heldOutHigh, String whiteBoxSet, double whiteBoxMean, double whiteBoxLow, double whiteBoxHigh,
        double dlibUnmatched, double dlibLow, double dlibHigh, double butteraugliMedian, double butteraugliP90, double faceSsimMean,
        double faceSsimUnder095, double secondsP50, double secondsP90, double photosPerCoreMinute, int cores) {

    public static final String HEADER = "label,people,published,failed_closed,heldout_set,heldout_mean,heldout_low,heldout_high,"
            + "whitebox_set,whitebox_mean,whitebox_low,whitebox_high,dlib_unmatched,dlib_low,dlib_high,butteraugli_median,butteraugli_p90,"
            + "face_ssim_mean,face_ssim_under_095,seconds_p50,seconds_p90,photos_per_core_minute,cores";

    public String row() {
        return String.join(",", text(label), Integer.toString(people), Integer.toString(published), Integer.toString(failedClosed),
                text(heldOutSet), num(heldOutMean), num(heldOutLow), num(heldOutHigh), text(whiteBoxSet), num(whiteBoxMean), num(whiteBoxLow),
                num(whiteBoxHigh), num(dlibUnmatched), num(dlibLow), num(dlibHigh), num(butteraugliMedian), num(butteraugliP90),
                num(faceSsimMean), num(faceSsimUnder095), num(secondsP50), num(secondsP90), num(photosPerCoreMinute), Integer.toString(cores));
    }

    /** The file's text: the header and one row per summary. */
    public static String csv(List<ProtectionSummary> rows) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        rows.forEach(r -> out.append(r.row()).append('\n'));
        return out.toString();
    }

    /** Every row of a summary file (its header first; columns found by name, so later columns may be added). */
    public static List<ProtectionSummary> read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ProtectionSummary> parse(List<String> lines) {
        if (lines.isEmpty()) {
            return List.of();
        }
        List<String> header = Arrays.asList(lines.get(0).trim().split(",", -1));
        List<ProtectionSummary> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != header.size()) {
                throw new IllegalArgumentException("summary row has " + f.length + " fields, the header " + header.size() + ": " + line);
            }
            Row r = new Row(header, f);
            out.add(new ProtectionSummary(r.s("label"), r.i("people"), r.i("published"), r.i("failed_closed"), r.s("heldout_set"),
                    r.d("heldout_mean"), r.d("heldout_low"), r.d("heldout_high"), r.s("whitebox_set"), r.d("whitebox_mean"),
                    r.d("whitebox_low"), r.d("whitebox_high"), r.d("dlib_unmatched"), r.d("dlib_low"), r.d("dlib_high"),
                    r.d("butteraugli_median"), r.d("butteraugli_p90"), r.d("face_ssim_mean"), r.d("face_ssim_under_095"),
                    r.d("seconds_p50"), r.d("seconds_p90"), r.d("photos_per_core_minute"), r.i("cores")));
        }
        return out;
    }

    private record Row(List<String> header, String[] fields) {

        String s(String name) {
            int i = header.indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("summary has no column " + name);
            }
            return fields[i].trim();
        }

        double d(String name) {
            String v = s(name);
            return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
        }

        int i(String name) {
            String v = s(name);
            return v.isEmpty() ? 0 : Integer.parseInt(v);
        }
    }

    /** Commas and line breaks become spaces: summary fields are never quoted. */
    private static String text(String s) {
        return s == null ? "" : s.replace(',', ';').replace('\n', ' ').replace('\r', ' ');
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }
}
