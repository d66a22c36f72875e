package dev.actuate.distributed;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StatsTest {
    @Test
    void tQuantilesMatchTheTable() {
        // Two-sided 95 % critical values of Student's t (any statistics table, 4 decimals).
        assertThat(Stats.tQuantile(0.975, 1)).isCloseTo(12.7062, within(1e-4));
        assertThat(Stats.tQuantile(0.975, 2)).isCloseTo(4.3027, within(1e-4));
        assertThat(Stats.tQuantile(0.975, 3)).isCloseTo(3.1824, within(1e-4));
        assertThat(Stats.tQuantile(0.975, 9)).isCloseTo(2.2622, within(1e-4));
        assertThat(Stats.tQuantile(0.975, 30)).isCloseTo(2.0423, within(1e-4));
        assertThat(Stats.tQuantile(0.975, 1000)).isCloseTo(1.9623, within(1e-4));
        assertThat(Stats.tQuantile(0.995, 5)).isCloseTo(4.0321, within(1e-4));
    }

    @Test
    void lnGammaMatchesFactorials() {
        assertThat(Stats.lnGamma(5)).isCloseTo(Math.log(24), within(1e-12));
        assertThat(Stats.lnGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), within(1e-12));
    }

    @Test
    void intervalOfFourScores() {
        // mean 2.5, sample std sqrt(5/3), half-width t(0.975, 3) * s / 2.
        Stats.Interval ci = Stats.ci95(new double[] {1, 2, 3, 4});
        double half = 3.182446305284263 * Math.sqrt(5.0 / 3) / 2;
        assertThat(ci.mean()).isEqualTo(2.5);
        assertThat(ci.std()).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12));
        assertThat(ci.lo()).isCloseTo(2.5 - half, within(1e-9));
        assertThat(ci.hi()).isCloseTo(2.5 + half, within(1e-9));
    }

    @Test
    void oneScoreHasNoWidthAndBadArgumentsAreRefused() {
        Stats.Interval ci = Stats.ci95(new double[] {-150});
        assertThat(ci.lo()).isEqualTo(-150);
        assertThat(ci.hi()).isEqualTo(-150);
        assertThatThrownBy(() -> Stats.tQuantile(0.3, 2)).hasMessageContaining("p=0.3");
    }
}
