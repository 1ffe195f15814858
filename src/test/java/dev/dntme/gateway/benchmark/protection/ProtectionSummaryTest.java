package dev.dntme.gateway.benchmark.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtectionSummaryTest {

    @TempDir
    Path dir;

    private static final ProtectionSummary STRONG = new ProtectionSummary("strong-high", 30, 29, 1, "faceres;mobileface", 0.4125, 0.3,
            0.52, "dlib;mobilefacenet-y1", 0.9, 0.85, 0.95, 0.97, 0.93, 1.0, 9.25, 15.5, 0.951234, 0.4, 31.5, 44.25, 0.952381, 2);
    private static final ProtectionSummary NO_BUTTERAUGLI = new ProtectionSummary("default-medium", 30, 30, 0, "", Double.NaN,
            Double.NaN, Double.NaN, "dlib", 0.8, 0.7, 0.9, 0.8, 0.7, 0.9, Double.NaN, Double.NaN, 0.97, 0.0, 15, 20, 2, 2);

    @Test
    void aSummaryFileReadsBackAsWritten() throws Exception {
        Path file = dir.resolve("s.csv");
        Files.writeString(file, ProtectionSummary.csv(List.of(STRONG, NO_BUTTERAUGLI)));
        assertThat(ProtectionSummary.read(file)).containsExactly(STRONG, NO_BUTTERAUGLI);
        assertThat(Files.readAllLines(file).get(0)).isEqualTo(ProtectionSummary.HEADER);
    }

    @Test
    void columnsAreFoundByNameAndCommasInTextDoNotBreakTheRow() {
        String header = "extra," + ProtectionSummary.HEADER;
        String row = "x," + new ProtectionSummary("a,b", 1, 1, 0, "p,q", 0.5, 0.4, 0.6, "", 0, 0, 0, 0, 0, 0, 1, 2, 0.9, 0, 1, 2, 30, 2).row();
        ProtectionSummary s = ProtectionSummary.parse(List.of(header, row)).get(0);
        assertThat(s.label()).isEqualTo("a;b");
        assertThat(s.heldOutSet()).isEqualTo("p;q");
        assertThat(s.heldOutMean()).isEqualTo(0.5);
        assertThatThrownBy(() -> ProtectionSummary.parse(List.of(ProtectionSummary.HEADER, "a,1"))).isInstanceOf(IllegalArgumentException.class);
    }
}
