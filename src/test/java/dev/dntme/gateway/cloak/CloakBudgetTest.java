package dev.dntme.gateway.cloak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CloakBudgetTest {

    private static final CloakBudget BUDGET = new CloakBudget(6f, 3, 2, 2, 1, 0.8, 0.65, 0.85);

    @Test
    void aNaNDistanceNeverClearsTheFailBar() {
        assertThat(BUDGET.clearsFailBar(Double.NaN)).isFalse();
    }

    @Test
    void aDistanceClearsTheFailBarFromTheBarUp() {
        assertThat(BUDGET.clearsFailBar(0.64)).isFalse();
        assertThat(BUDGET.clearsFailBar(0.65)).isTrue();
        assertThat(BUDGET.clearsFailBar(Double.POSITIVE_INFINITY)).isTrue();
    }
}
