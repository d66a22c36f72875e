package dev.actuate.algo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StepRateTest {
    @Test
    void measuresStepsPerSecondOfAFakeClockFromTheLastRow() {
        long[] nanos = {5_000_000_000L};
        StepRate rate = new StepRate(100, () -> nanos[0]);
        nanos[0] += 2_000_000_000L;
        assertThat(rate.next(300)).isEqualTo(100.0); // 200 steps in 2 s
        nanos[0] += 500_000_000L;
        assertThat(rate.next(350)).isEqualTo(100.0); // from the last row: 50 steps in 0.5 s
        assertThat(rate.next(350)).isZero(); // no steps, no time
        assertThat(rate.next(351)).isEqualTo(1 / 1e-9); // no time: bounded by 1 ns, never infinite
    }
}
