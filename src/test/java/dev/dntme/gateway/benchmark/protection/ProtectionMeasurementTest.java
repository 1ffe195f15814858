package dev.dntme.gateway.benchmark.protection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.benchmark.protection.Cloaker.Published;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole measurement with a fake scraper (mean colour) and a fake cloaker: no models. */
class ProtectionMeasurementTest {

    @TempDir
    Path dir;

    /** Embeds the mean colour; an all-black photo has "no face". */
    private static final ScraperModel COLOUR = new ScraperModel() {
        @Override
        public String name() {
            return "colour";
        }

        @Override
        public Scraped embed(BufferedImage image) {
            Color c = new Color(image.getRGB(image.getWidth() / 2, image.getHeight() / 2));
            if (c.getRed() + c.getGreen() + c.getBlue() < 15) {
                return Scraped.none();
            }
            return new Scraped(new float[] {c.getRed() / 255f, c.getGreen() / 255f, c.getBlue() / 255f}, "tiny");
        }

        @Override
        public double distance(float[] a, float[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += (a[i] - b[i]) * (a[i] - b[i]);
            }
            return Math.sqrt(s);
        }
    };

    @BeforeEach
    void photos() throws IOException {
        // three people, each a distinct colour; their photos differ a little
        photo("ann/1.png", new Color(200, 40, 40));
        photo("ann/2.png", new Color(205, 45, 40));
        photo("ann/3.png", new Color(195, 40, 45));
        photo("bob/1.png", new Color(40, 200, 40));
        photo("bob/2.png", new Color(45, 205, 40));
        photo("cid/1.png", new Color(40, 40, 200));
        photo("cid/2.png", new Color(40, 45, 205));
    }

    private void photo(String file, Color colour) throws IOException {
        Path p = dir.resolve(file);
        Files.createDirectories(p.getParent());
        ImageIO.write(image(colour), "png", p.toFile());
    }

    private static BufferedImage image(Color colour) {
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 16, 16);
        g.dispose();
        return image;
    }

    private static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** ann's probe comes out black (no face), bob's fails closed, cid's is published unchanged. */
    private final Cloaker cloaker = original -> {
        Color c = new Color(ProtectionMeasurement.decode(original).getRGB(0, 0));
        if (c.getRed() > 150) {
            return new Published(png(image(Color.BLACK)), null, List.of(new Cloaker.Face(0.97, 0.8)), 10, 5, 1);
        }
        if (c.getGreen() > 150) {
            return Published.failedClosed("face stayed under the fail bar", 20);
        }
        return new Published(original, null, List.of(new Cloaker.Face(0.94, 0.1)), 30, 12, 3);
    };

    private ProtectionMeasurement measured(int runs) {
        return new ProtectionMeasurement(ProtectionSet.read(dir, 0, 1), List.of(COLOUR), cloaker,
                new ProtectionMeasurement.Options(runs, 200, 1, "colour", Set.of(), dir.resolve("cache"))).measure();
    }

    @Test
    void aPublishedFaceTheScraperCannotFindIsUnmatchedAndAFailedClosedProbeIsInNoRate() {
        ProtectionMeasurement m = measured(1);
        // ann: 2 pairs, not found; cid: 1 pair, still matched; bob: failed closed, left out
        assertThat(m.unmatchedPublished("colour", 0).hits()).isEqualTo(2);
        assertThat(m.unmatchedPublished("colour", 0).total()).isEqualTo(3);
        assertThat(m.undetectedPublished("colour", 0).hits()).isEqualTo(2);
        assertThat(m.unmatchedClean("colour", 0).hits()).isZero();
        assertThat(m.selfMatched("colour", 0).hits()).isEqualTo(1);
        assertThat(m.selfMatched("colour", 0).total()).isEqualTo(2);
    }

    @Test
    void theReportShowsFailedClosedPublishesTheReceiptsAndEveryRun() {
        String md = measured(2).markdown("test", "mvn test");
        assertThat(md).contains("| **failed closed** (nothing published) | 2 |")
                .contains("- run 1, bob/1.png: face stayed under the fail bar")
                .contains("| faces under SSIM 0.95 | 2 of 4 (50.0%) |")
                .contains("| colour | held out | **66.7% ")
                .contains("## Runs")
                .contains("| steps per photo mean / max | 8.50 / 12 |");
    }

    @Test
    void theCsvHasOneRowPerRunProbeAndScraperAndTheCacheServesTheSecondMeasurement() throws IOException {
        ProtectionMeasurement first = measured(2);
        List<String> rows = first.csv("x").lines().toList();
        assertThat(rows).hasSize(1 + 2 * 3);
        assertThat(rows.get(0)).startsWith("label,run,person,probe,scraper,threshold,failed_closed");
        assertThat(rows).anyMatch(r -> r.startsWith("x,2,bob,bob/1.png,colour,") && r.contains(",true,"));
        assertThat(Files.readAllLines(dir.resolve("cache/colour.tsv"))).hasSize(7);
        assertThat(measured(1).markdown("t", "c")).contains("all 7 photos from the cache");
        assertThat(Files.readAllLines(dir.resolve("cache/colour.tsv"))).hasSize(7);
    }

    @Test
    void fixedThresholdsHeldOutMeanAndVisibilityOnTheServicesFaceBox() {
        // the cloak shifts every pixel by 12 levels of red and says where the face is
        Cloaker shifting = original -> {
            BufferedImage in = ProtectionMeasurement.decode(original);
            BufferedImage out = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    Color c = new Color(in.getRGB(x, y));
                    out.setRGB(x, y, new Color(Math.min(255, c.getRed() + 12), c.getGreen(), c.getBlue()).getRGB());
                }
            }
            return new Published(png(out), null, List.of(new Cloaker.Face(0.9, 0.7, new java.awt.Rectangle(4, 4, 8, 8))), 2000, 1, 1);
        };
        EqualErrorThreshold fixed = new EqualErrorThreshold(0.01, 0.02, 0.02, 0.02, 1966, 1966);
        ProtectionMeasurement m = new ProtectionMeasurement(ProtectionSet.read(dir, 0, 1), List.of(COLOUR), shifting,
                new ProtectionMeasurement.Options(1, 200, 1, "", Set.of(), null)
                        .withFixed(Set.of("colour", "absent"), java.util.Map.of("colour", fixed), "lfw.properties"))
                .butteraugli(null).measure();
        assertThat(m.thresholds().get("colour")).isSameAs(fixed);
        assertThat(m.meanUnmatched(m.heldOutSet(), 0).value()).isEqualTo(m.unmatchedPublished("colour", 0).value());
        assertThat(m.probes()).allSatisfy(p -> assertThat(p.visibility().region()).isEqualTo(new java.awt.Rectangle(2, 2, 12, 12)));
        assertThat(m.sideBySide()).isNotNull();
        ProtectionSummary s = m.summary("x");
        assertThat(s.heldOutSet()).isEqualTo("colour");
        assertThat(s.secondsP50()).isEqualTo(2.0);
        assertThat(s.photosPerCoreMinute()).isEqualTo(30.0 / Runtime.getRuntime().availableProcessors());
        assertThat(s.butteraugliMedian()).isNaN();
        assertThat(s.faceSsimMean()).isLessThan(1);
        String md = m.markdown("t", "c");
        assertThat(md).contains("fixed once").contains("From lfw.properties")
                .contains("| **held out** (not in the cloak's loss) | colour | **" + m.unmatchedPublished("colour", 0).percent() + "** | "
                        + m.unmatchedClean("colour", 0).percent() + " |")
                .contains("Named held out but not measured in this run (left out of the mean): absent.")
                .contains("butteraugli median / p90 | not measured");
    }
}
