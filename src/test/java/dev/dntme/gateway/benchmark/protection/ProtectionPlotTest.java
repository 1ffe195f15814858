package dev.dntme.gateway.benchmark.protection;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtectionPlotTest {

    @Test
    void twoChartsSideBySideWithAPointPerSummary() {
        ProtectionSummary a = new ProtectionSummary("a", 30, 30, 0, "x", 0.2, 0.1, 0.3, "dlib", 0.9, 0.8, 1, 0.9, 0.8, 1, 5.6, 9.2, 0.97, 0.1,
                15, 20, 2, 2);
        ProtectionSummary noButteraugli = new ProtectionSummary("b", 30, 30, 0, "x", 0.6, 0.5, 0.7, "dlib", 0.9, 0.8, 1, 0.9, 0.8, 1, Double.NaN,
                Double.NaN, 0.95, 0.4, 40, 60, 0.75, 2);
        BufferedImage plot = ProtectionPlot.plot(List.of(a, noButteraugli));
        assertThat(plot.getWidth()).isEqualTo(2 * ProtectionPlot.CHART);
        assertThat(plot.getHeight()).isEqualTo(ProtectionPlot.HEIGHT);
    }

    @Test
    void axesEndAtANiceNumber() {
        assertThat(ProtectionPlot.niceCeiling(6.4)).isEqualTo(10);
        assertThat(ProtectionPlot.niceCeiling(17.3)).isEqualTo(20);
        assertThat(ProtectionPlot.niceCeiling(2.2)).isEqualTo(2.5);
        assertThat(ProtectionPlot.niceCeiling(0.9)).isEqualTo(1);
    }
}
