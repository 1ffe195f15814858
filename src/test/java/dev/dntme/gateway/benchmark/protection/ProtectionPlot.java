package dev.dntme.gateway.benchmark.protection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Draws benchmark summaries ({@link ProtectionSummary}, the {@code target/benchmark-protection[-label]-summary.csv}
 * files of {@link ProtectionBenchmark}) as two scatter charts side by side, Java2D only: held-out protection (mean
 * unmatched over the held-out scrapers, with its interval) against the butteraugli median of the face regions,
 * and against seconds per published photo (p50); each point labelled.
 *
 * <pre>
 * mvn -B -o -q -Pbenchmark test -Dtest=ProtectionPlot -Dbenchmark.summaries=target/a-summary.csv,target/b-summary.csv
 * </pre>
 * Default: every {@code target/benchmark-protection*-summary.csv}. Writes {@code target/benchmark-protection-plot.png}
 * ({@code -Dbenchmark.plot=<file>} for another name).
 */
@Tag("benchmark")
class ProtectionPlot {

    static final int CHART = 460, HEIGHT = 420, MARGIN_LEFT = 64, MARGIN_BOTTOM = 52, MARGIN_TOP = 40, MARGIN_RIGHT = 24;
    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    @Test
    void plotSummaries() throws Exception {
        List<Path> files = new ArrayList<>();
        String given = System.getProperty("benchmark.summaries", "");
        if (given.isBlank()) {
            try (var s = Files.list(Path.of("target"))) {
                s.filter(f -> f.getFileName().toString().matches("benchmark-protection.*-summary\\.csv")).sorted().forEach(files::add);
            }
        } else {
            Arrays.stream(given.split(",")).map(String::trim).filter(f -> !f.isEmpty()).map(Path::of).forEach(files::add);
        }
        List<ProtectionSummary> rows = new ArrayList<>();
        files.forEach(f -> rows.addAll(ProtectionSummary.read(f)));
        if (rows.isEmpty()) {
            throw new IllegalStateException("no summary rows in " + files);
        }
        Path out = Path.of(System.getProperty("benchmark.plot", "target/benchmark-protection-plot.png"));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        ImageIO.write(plot(rows), "png", out.toFile());
        System.out.println("wrote " + out + " from " + rows.size() + " summaries: " + files);
    }

    /** The two charts side by side. */
    static BufferedImage plot(List<ProtectionSummary> rows) {
        BufferedImage image = new BufferedImage(2 * CHART, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        chart(g, 0, rows, "held-out protection vs visibility", "butteraugli median, face box +20% (lower = less visible)",
                ProtectionSummary::butteraugliMedian);
        chart(g, CHART, rows, "held-out protection vs cost", "seconds per published photo, p50", ProtectionSummary::secondsP50);
        g.dispose();
        return image;
    }

    private static void chart(Graphics2D g, int left, List<ProtectionSummary> rows, String title, String xLabel,
            ToDoubleFunction<ProtectionSummary> x) {
        double xMax = 0;
        for (ProtectionSummary r : rows) {
            double v = x.applyAsDouble(r);
            if (!Double.isNaN(v)) {
                xMax = Math.max(xMax, v);
            }
        }
        xMax = niceCeiling(xMax <= 0 ? 1 : xMax * 1.15);
        double top = 0;
        for (ProtectionSummary r : rows) {
            for (double v : new double[] {r.heldOutMean(), r.heldOutHigh()}) {
                if (!Double.isNaN(v)) {
                    top = Math.max(top, v);
                }
            }
        }
        double yMax = Math.min(1, niceCeiling(Math.max(0.1, top * 1.15)));
        int x0 = left + MARGIN_LEFT, x1 = left + CHART - MARGIN_RIGHT, y0 = HEIGHT - MARGIN_BOTTOM, y1 = MARGIN_TOP;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(title, x0, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        // grid and axes
        for (int i = 0; i <= 5; i++) {
            int gy = y0 - (y0 - y1) * i / 5;
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(x0, gy, x1, gy);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, yMax >= 0.5 ? "%.0f%%" : "%.1f%%", 100 * yMax * i / 5), x0 - 40, gy + 4);
            int gx = x0 + (x1 - x0) * i / 5;
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(gx, y0, gx, y1);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, xMax >= 10 ? "%.0f" : "%.1f", xMax * i / 5), gx - 8, y0 + 16);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x0, y1, x1 - x0, y0 - y1);
        g.drawString(xLabel, x0, y0 + 36);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString("held-out mean unmatched (95% interval)", -y0, left + 16);
        rotated.dispose();
        int i = 0;
        List<java.awt.Rectangle> placed = new ArrayList<>();
        for (ProtectionSummary r : rows) {
            Color c = COLOURS[i++ % COLOURS.length];
            double xv = x.applyAsDouble(r);
            if (Double.isNaN(xv) || Double.isNaN(r.heldOutMean())) {
                continue;
            }
            int px = x0 + (int) Math.round((x1 - x0) * xv / xMax);
            int py = y(r.heldOutMean() / yMax, y0, y1);
            g.setColor(c);
            g.setStroke(new BasicStroke(1.5f));
            if (!Double.isNaN(r.heldOutLow()) && !Double.isNaN(r.heldOutHigh())) {
                int lo = y(r.heldOutLow() / yMax, y0, y1), hi = y(r.heldOutHigh() / yMax, y0, y1);
                g.drawLine(px, lo, px, hi);
                g.drawLine(px - 4, lo, px + 4, lo);
                g.drawLine(px - 4, hi, px + 4, hi);
            }
            g.fillOval(px - 5, py - 5, 10, 10);
            String text = String.format(Locale.ROOT, "%s (%.0f%%)", r.label(), 100 * r.heldOutMean());
            int tw = g.getFontMetrics().stringWidth(text);
            int tx = px + 8 + tw > x1 ? px - 8 - tw : px + 8;
            int ty = py - 6;
            java.awt.Rectangle box = new java.awt.Rectangle(tx, ty - 11, tw, 14);
            for (int step = 1; step < 40 && placed.stream().anyMatch(box::intersects); step++) { // labels must not overlap
                box.y = ty - 11 + (step % 2 == 1 ? 1 : -1) * 14 * ((step + 1) / 2);
            }
            placed.add(box);
            g.drawString(text, tx, box.y + 11);
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static int y(double share, int y0, int y1) {
        return y0 - (int) Math.round((y0 - y1) * Math.max(0, Math.min(1, share)));
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at or above {@code v}. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
