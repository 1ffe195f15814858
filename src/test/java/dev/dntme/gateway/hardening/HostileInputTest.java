package dev.dntme.gateway.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input corpus ({@link HostileCorpus}) sent through {@code POST /v1/images} over real HTTP:
 * every case is refused with a documented 4xx problem and nothing stored, or published clean
 * ({@link UploadOracle}); never a 500, never a hang, and the heap stays bounded.
 */
class HostileInputTest extends HostileApp {

    private static final List<HostileCase> CORPUS = HostileCorpus.cases();
    private static final Map<String, Map<String, Integer>> OUTCOMES = new ConcurrentHashMap<>();

    static List<HostileCase> corpus() {
        return CORPUS;
    }

    @Test
    void theCorpusHasAtLeast200CasesInEveryCategory() {
        Map<String, Long> perCategory = new TreeMap<>();
        CORPUS.forEach(c -> perCategory.merge(c.category(), 1L, Long::sum));
        assertThat(CORPUS).hasSizeGreaterThanOrEqualTo(200);
        assertThat(perCategory).containsKeys("truncated", "bit-flipped", "tiny", "declared-dimensions",
                "decompression-bomb", "colour-model", "animated", "polyglot", "part-content-type", "oversized", "exif",
                "xmp", "icc");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("corpus")
    void aHostileUploadIsRefusedWithADocumentedProblemOrPublishedCleanNeverA500(HostileCase c) {
        String outcome = send(c);
        OUTCOMES.computeIfAbsent(c.category(), k -> new ConcurrentHashMap<>()).merge(outcome, 1, Integer::sum);
    }

    @AfterAll
    static void printOutcomes() {
        System.out.println("hostile corpus: " + CORPUS.size() + " cases");
        new TreeMap<>(OUTCOMES).forEach((category, outcomes) -> System.out.println("  " + category + " "
                + outcomes.values().stream().mapToInt(Integer::intValue).sum() + ": " + new TreeMap<>(outcomes)));
    }
}
