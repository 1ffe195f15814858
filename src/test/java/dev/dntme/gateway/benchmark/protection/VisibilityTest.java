package dev.dntme.gateway.benchmark.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class VisibilityTest {

    @Test
    void theFaceBoxGrowsByAFifthOnEachSide() {
        assertThat(Visibility.enlarge(new Rectangle(100, 80, 50, 60), 0.2, 250, 250)).isEqualTo(new Rectangle(90, 68, 70, 84));
    }

    @Test
    void theGrownBoxIsClippedToTheImage() {
        assertThat(Visibility.enlarge(new Rectangle(5, 200, 100, 45), 0.2, 250, 250)).isEqualTo(new Rectangle(0, 191, 125, 59));
        assertThat(Visibility.enlarge(new Rectangle(-10, -10, 300, 300), 0.2, 250, 250)).isEqualTo(new Rectangle(0, 0, 250, 250));
    }

    @Test
    void theFaceNearestTheCentreIsTheLabelledOne() {
        Rectangle corner = new Rectangle(0, 0, 40, 40), centre = new Rectangle(100, 110, 50, 50);
        assertThat(Visibility.nearestCentre(List.of(corner, centre), 250, 250)).isEqualTo(centre);
        assertThat(Visibility.nearestCentre(List.of(), 250, 250)).isNull();
    }

    @Test
    void theDifferenceIsGreyAt128PlusEightTimesTheLargestChannelDifferenceCapped() {
        BufferedImage a = filled(2, 1, new Color(100, 100, 100)), b = filled(2, 1, new Color(103, 99, 100));
        b.setRGB(1, 0, new Color(200, 100, 100).getRGB());
        BufferedImage d = Visibility.amplifiedDifference(a, b);
        assertThat(new Color(d.getRGB(0, 0))).isEqualTo(new Color(152, 152, 152));
        assertThat(new Color(d.getRGB(1, 0))).isEqualTo(new Color(255, 255, 255));
        assertThat(new Color(Visibility.amplifiedDifference(a, a).getRGB(0, 0))).isEqualTo(new Color(128, 128, 128));
    }

    @Test
    void sideBySideHasOneRowPerProbeAtOneToOneAndTwice() {
        BufferedImage o = filled(30, 20, Color.GRAY);
        BufferedImage s = Visibility.sideBySide(List.of(new BufferedImage[] {o, o}, new BufferedImage[] {o, o}), List.of("a", "b"));
        int gap = 6;
        assertThat(s.getWidth()).isEqualTo(gap + 3 * (30 + gap) + gap + 3 * (60 + gap));
        assertThat(s.getHeight()).isEqualTo(gap + 2 * (14 + 40 + gap));
        // first row, 1:1 published crop at x = gap + 30 + gap, y = gap + 14
        assertThat(new Color(s.getRGB(gap + 36 + 5, gap + 14 + 5))).isEqualTo(Color.GRAY);
    }

    @Test
    void butteraugliPrintsOneNumber() {
        assertThat(Visibility.Butteraugli.parse("1.234567\n")).isEqualTo(1.234567);
        assertThat(Visibility.Butteraugli.parse("  0.5e-1 ")).isEqualTo(0.05);
        assertThat(Visibility.Butteraugli.installed(java.nio.file.Path.of("/nonexistent/butteraugli"))).isNull();
    }

    @Test
    void butteraugliOfTheSameCropIsZeroAndOfAChangedOneIsNot() {
        Visibility.Butteraugli b = Visibility.Butteraugli.installed(Visibility.BUTTERAUGLI);
        assumeTrue(b != null, "butteraugli not installed");
        BufferedImage a = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int v = 60 + (x * 3 + y * 2) % 120;
                a.setRGB(x, y, new Color(v, v / 2 + 40, 255 - v).getRGB());
            }
        }
        BufferedImage changed = Visibility.crop(a, new Rectangle(0, 0, 64, 64));
        Graphics2D g = changed.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(20, 20, 20, 20);
        g.dispose();
        assertThat(b.distance(a, a)).isLessThan(0.01);
        assertThat(b.distance(a, changed)).isGreaterThan(1);
    }

    private static BufferedImage filled(int w, int h, Color c) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = im.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return im;
    }
}
