package dev.dntme.gateway.cloak.nets.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dntme.gateway.cloak.nets.onnx.BatchSelfCheck.SelfCheckTry;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The self-check's retry rule, on scripted tries: load-induced misses are retried, a graph that always misses is refused. */
class OnnxGraphSelfCheckTest {

    private static final SelfCheckTry PASS = new SelfCheckTry(1e-6, 2e-6);
    private static final SelfCheckTry GRADIENT_MISS = new SelfCheckTry(1e-6, 0.0113);

    @Test
    void aGradientMissUnderLoadThatPassesOnTheNextTryStillLoads() {
        Deque<SelfCheckTry> tries = new ArrayDeque<>(List.of(GRADIENT_MISS, PASS));
        assertThatCode(() -> BatchSelfCheck.retrySelfCheck("intel-reid-0095", tries::pop)).doesNotThrowAnyException();
        assertThat(tries).isEmpty();
    }

    @Test
    void aGraphThatMissesEveryTryIsRefusedNamingTheModelTheTriesAndTheBestDifference() {
        Deque<SelfCheckTry> tries = new ArrayDeque<>(
                List.of(new SelfCheckTry(1e-6, 0.02), GRADIENT_MISS, new SelfCheckTry(1e-6, 0.015), PASS));
        assertThatThrownBy(() -> BatchSelfCheck.retrySelfCheck("intel-reid-0095", tries::pop))
                .isInstanceOf(UnsupportedOnnxException.class)
                .hasMessageStartingWith("intel-reid-0095: ")
                .hasMessageContaining("any of 3 tries")
                .hasMessageContaining("the input gradient differs in 3 (best relative L2 difference 0.0113")
                .hasMessageNotContaining("outputs differ");
        assertThat(tries).containsExactly(PASS);
    }

    @Test
    void aNaNNeverPassesTheSelfCheck() {
        assertThatThrownBy(() -> BatchSelfCheck.retrySelfCheck("tiny", () -> new SelfCheckTry(Double.NaN, 0)))
                .isInstanceOf(UnsupportedOnnxException.class)
                .hasMessageContaining("the outputs differ in 3 (best max difference NaN");
    }
}
