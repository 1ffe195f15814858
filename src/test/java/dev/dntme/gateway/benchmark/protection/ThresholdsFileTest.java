package dev.dntme.gateway.benchmark.protection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThresholdsFileTest {

    @TempDir
    Path dir;

    @Test
    void thresholdsReadBackExactlyWithWhatTheyWereComputedOn() throws Exception {
        Map<String, EqualErrorThreshold> t = new LinkedHashMap<>();
        t.put("dlib", EqualErrorThreshold.of(List.of(0.30, 0.41, 0.52), List.of(0.50, 0.61, 0.72)));
        t.put("intel-reid-0095", new EqualErrorThreshold(0.1 + 0.2, 0.125, 0.1, 0.15, 1966, 1966));
        Path file = dir.resolve("sub/thresholds.properties");
        ThresholdsFile.write(file, t, Map.of("dlib", 3), List.of("computed today by: mvn ..."));
        Map<String, EqualErrorThreshold> back = ThresholdsFile.read(file);
        assertThat(back.keySet()).containsExactly("dlib", "intel-reid-0095");
        assertThat(back.get("intel-reid-0095").threshold()).isEqualTo(0.1 + 0.2); // not rounded: a pair at it stays "not same"
        assertThat(back.get("dlib").threshold()).isEqualTo(t.get("dlib").threshold());
        assertThat(back.get("intel-reid-0095").samePairs()).isEqualTo(1966);
        assertThat(back.get("intel-reid-0095").eer()).isEqualTo(0.125);
        String text = Files.readString(file);
        assertThat(text).startsWith("# computed today by: mvn ...\n").contains("dlib.skipped_pairs=3").contains("# intel-reid-0095: EER 12.50%");
    }
}
