package dev.actuate.algo;

import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TrustRegionTest {
    /** A random SPD matrix Q^T Q + I of size n. */
    private static double[][] spd(int n, long seed) {
        Rng rng = new Rng(seed);
        double[][] q = new double[n][n];
        for (double[] row : q) {
            for (int j = 0; j < n; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    a[i][j] += q[k][i] * q[k][j];
                }
            }
            a[i][i] += 1.0;
        }
        return a;
    }

    private static TrustRegion.Operator op(double[][] a) {
        return (v, out) -> {
            for (int i = 0; i < a.length; i++) {
                double s = 0;
                for (int j = 0; j < v.length; j++) {
                    s += a[i][j] * v[j];
                }
                out[i] = s;
            }
        };
    }

    @Test
    void conjugateGradientSolvesAKnownSpdSystem() {
        int n = 8;
        double[][] a = spd(n, 3);
        double[] xTrue = {1, -2, 0.5, 3, -1, 0, 2, -0.25};
        double[] b = new double[n];
        op(a).apply(xTrue, b);
        // In exact arithmetic CG solves an n x n system in n steps; allow a few more for rounding.
        double[] x = TrustRegion.conjugateGradient(op(a), b, n + 4, 1e-20);
        for (int i = 0; i < n; i++) {
            assertThat(x[i]).isCloseTo(xTrue[i], within(1e-8));
        }
    }

    @Test
    void conjugateGradientOnADiagonalSystemConvergesInOneStepPerDistinctEigenvalue() {
        double[][] a = {{2, 0, 0}, {0, 2, 0}, {0, 0, 5}};
        double[] b = {2, 4, 10};
        double[] x = TrustRegion.conjugateGradient(op(a), b, 2, 0);
        assertThat(x).containsExactly(new double[] {1, 2, 2}, within(1e-12));
        // One iteration only: the step along b with the exact line minimum, alpha = b.b / b.A.b.
        double[] x1 = TrustRegion.conjugateGradient(op(a), b, 1, 0);
        double alpha = (4 + 16 + 100) / (8 + 32 + 500.0);
        assertThat(x1).containsExactly(new double[] {alpha * 2, alpha * 4, alpha * 10}, within(1e-12));
    }

    @Test
    void stepScaleMakesTheQuadraticKlModelEqualTheBound() {
        double[][] a = spd(4, 5);
        double[] s = {0.3, -1, 2, 0.1};
        double[] fs = new double[4];
        op(a).apply(s, fs);
        double beta = TrustRegion.stepScale(s, fs, 0.01);
        assertThat(0.5 * beta * beta * TrustRegion.dot(s, fs)).isCloseTo(0.01, within(1e-15));
    }

    @Test
    void lineSearchRejectsAStepThatBreaksTheKlBoundAndBacktracks() {
        // Surrogate improves linearly with the fraction; KL grows quadratically and breaks the bound at the full
        // step (0.04 > 0.01) and at 0.8 (0.0256): the search must reject those and accept the first
        // fraction f with 0.04 f^2 <= 0.01, i.e. f <= 0.5: 0.8^4 = 0.4096.
        List<Double> tried = new ArrayList<>();
        TrustRegion.Search s = TrustRegion.lineSearch(f -> {
            tried.add(f);
            return new TrustRegion.Trial(1.0 + f, 0.04 * f * f);
        }, 1.0, 0.01, 0.8, 10);
        assertThat(s.accepted()).isTrue();
        assertThat(s.fraction()).isCloseTo(Math.pow(0.8, 4), within(1e-12));
        assertThat(s.trials()).isEqualTo(5);
        assertThat(s.trial().kl()).isLessThanOrEqualTo(0.01);
        assertThat(tried).hasSize(5);
        for (int i = 0; i < 4; i++) {
            assertThat(0.04 * tried.get(i) * tried.get(i)).isGreaterThan(0.01);
        }
    }

    @Test
    void lineSearchAcceptsOnlyAKlStrictlyBelowTheBoundAsSbContrib() {
        // sb3-contrib keeps a step where kl_div < target_kl: a trial exactly at the bound is rejected, the next
        // (fraction 0.5, KL 0.0025) kept.
        TrustRegion.Search s = TrustRegion.lineSearch(f -> new TrustRegion.Trial(1.0 + f, 0.01 * f * f), 1.0, 0.01,
                0.5, 10);
        assertThat(s.accepted()).isTrue();
        assertThat(s.trials()).isEqualTo(2);
        assertThat(s.fraction()).isEqualTo(0.5);
    }

    @Test
    void lineSearchRejectsStepsThatDoNotImproveTheSurrogate() {
        TrustRegion.Search s = TrustRegion.lineSearch(f -> new TrustRegion.Trial(1.0 - f, 0.0), 1.0, 0.01, 0.5, 6);
        assertThat(s.accepted()).isFalse();
        assertThat(s.fraction()).isZero();
        assertThat(s.trials()).isEqualTo(6);
    }

    @Test
    void lineSearchRejectsEverythingWhenEvenTheSmallestStepBreaksTheBound() {
        TrustRegion.Search s = TrustRegion.lineSearch(f -> new TrustRegion.Trial(2.0, 1.0), 1.0, 0.01, 0.8, 10);
        assertThat(s.accepted()).isFalse();
    }
}
