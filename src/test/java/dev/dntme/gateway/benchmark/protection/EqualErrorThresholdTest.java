package dev.dntme.gateway.benchmark.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class EqualErrorThresholdTest {

    @Test
    void separatedDistancesPutTheThresholdInTheMiddleOfTheGapWithNoError() {
        EqualErrorThreshold t = EqualErrorThreshold.of(List.of(0.2, 0.3, 0.4), List.of(0.8, 0.9));
        assertThat(t.threshold()).isEqualTo(0.6, offset(1e-12));
        assertThat(t.eer()).isZero();
        assertThat(t.matches(0.59)).isTrue();
        assertThat(t.matches(t.threshold())).isFalse();
    }

    @Test
    void overlappingDistancesGiveTheThresholdWhereFalseRejectsEqualFalseAccepts() {
        // same: one of four at or over 0.55 (0.6); different: one of four under it (0.5)
        EqualErrorThreshold t = EqualErrorThreshold.of(List.of(0.1, 0.2, 0.3, 0.6), List.of(0.5, 0.7, 0.8, 0.9));
        assertThat(t.falseReject()).isEqualTo(0.25);
        assertThat(t.falseAccept()).isEqualTo(0.25);
        assertThat(t.eer()).isEqualTo(0.25);
        assertThat(t.threshold()).isGreaterThan(0.5).isLessThanOrEqualTo(0.6);
        assertThat(t.samePairs()).isEqualTo(4);
        assertThat(t.differentPairs()).isEqualTo(4);
    }

    @Test
    void unequalPairCountsAreWeighedAsRatesNotAsCounts() {
        // 10 same pairs, one of them far; 2 different pairs, both far: the best threshold keeps the far same pair rejected
        List<Double> same = List.of(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 1.0);
        EqualErrorThreshold t = EqualErrorThreshold.of(same, List.of(0.5, 0.9));
        assertThat(t.falseReject()).isEqualTo(0.1, offset(1e-12));
        assertThat(t.falseAccept()).isZero();
        assertThat(t.threshold()).isGreaterThan(0.1).isLessThanOrEqualTo(0.5);
    }

    @Test
    void withoutBothKindsOfPairsThereIsNoThreshold() {
        assertThatThrownBy(() -> EqualErrorThreshold.of(List.of(0.1), List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
