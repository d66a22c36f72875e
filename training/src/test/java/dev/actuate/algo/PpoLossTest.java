package dev.actuate.algo;

import dev.actuate.nn.DiagGaussian;
import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PpoLossTest {
    private static final int B = 6;
    private static final int A = 2;

    /** A minibatch whose ratios are spread across and beyond the clip range, none near its edges. */
    private static final class Batch {
        final double[] mean = new double[B * A];
        final double[] logStd = {-0.3, 0.2};
        final double[] actions = new double[B * A];
        final double[] oldLogProb = new double[B];
        final double[] adv = {1.3, -0.7, 2.0, -1.5, 0.4, -0.2};
        // Target log-ratios: inside the range, and beyond it on both sides with both advantage signs.
        final double[] logRatio = {0.05, -0.08, 0.5, -0.6, -0.6, 0.5};

        Batch() {
            Rng rng = new Rng(3);
            for (int i = 0; i < B * A; i++) {
                mean[i] = rng.uniform(-1, 1);
                actions[i] = mean[i] + rng.nextGaussian();
            }
            for (int i = 0; i < B; i++) {
                oldLogProb[i] = DiagGaussian.logProb(actions, i * A, mean, i * A, logStd, 0, A) - logRatio[i];
            }
        }

        double loss(double clip, double ent) {
            return PpoLoss.policy(mean, logStd, actions, oldLogProb, adv, B, A, clip, ent, new double[B * A],
                    new double[A]).loss();
        }
    }

    @Test
    void policyGradientMatchesFiniteDifferences() {
        Batch b = new Batch();
        double clip = 0.2;
        double ent = 0.01;
        double[] dMean = new double[B * A];
        double[] dLogStd = new double[A];
        PpoLoss.policy(b.mean, b.logStd, b.actions, b.oldLogProb, b.adv, B, A, clip, ent, dMean, dLogStd);
        double h = 1e-6;
        for (int i = 0; i < B * A; i++) {
            double keep = b.mean[i];
            b.mean[i] = keep + h;
            double up = b.loss(clip, ent);
            b.mean[i] = keep - h;
            double down = b.loss(clip, ent);
            b.mean[i] = keep;
            assertThat(dMean[i]).as("dL/dmean[%d]", i).isCloseTo((up - down) / (2 * h), within(1e-7));
        }
        for (int j = 0; j < A; j++) {
            double keep = b.logStd[j];
            b.logStd[j] = keep + h;
            double up = b.loss(clip, ent);
            b.logStd[j] = keep - h;
            double down = b.loss(clip, ent);
            b.logStd[j] = keep;
            assertThat(dLogStd[j]).as("dL/dlogStd[%d]", j).isCloseTo((up - down) / (2 * h), within(1e-7));
        }
    }

    @Test
    void clippingZeroesExactlyTheRowsWhereTheClippedTermWins() {
        Batch b = new Batch();
        double clip = 0.2;
        double[] dMean = new double[B * A];
        double[] dLogStd = new double[A];
        PpoLoss.PolicyStats s = PpoLoss.policy(b.mean, b.logStd, b.actions, b.oldLogProb, b.adv, B, A, clip, 0.0,
                dMean, dLogStd);
        // Rows 2 (A > 0, r > 1 + clip) and 3 (A < 0, r < 1 - clip) are clipped: zero gradient.
        // Rows 4 (A > 0, r < 1 - clip) and 5 (A < 0, r > 1 + clip) are outside the range too, but the
        // pessimistic min keeps the unclipped term, so their gradient flows.
        boolean[] zero = {false, false, true, true, false, false};
        for (int i = 0; i < B; i++) {
            for (int j = 0; j < A; j++) {
                if (zero[i]) {
                    assertThat(dMean[i * A + j]).as("row %d", i).isEqualTo(0.0);
                } else {
                    assertThat(dMean[i * A + j]).as("row %d", i).isNotEqualTo(0.0);
                }
            }
        }
        assertThat(s.clipFraction()).isCloseTo(4.0 / B, within(1e-12));
        // With a huge clip range nothing is clipped and every row has gradient.
        PpoLoss.policy(b.mean, b.logStd, b.actions, b.oldLogProb, b.adv, B, A, 10.0, 0.0, dMean, dLogStd);
        for (double d : dMean) {
            assertThat(d).isNotEqualTo(0.0);
        }
    }

    @Test
    void atRatioOneTheLossIsMinusMeanAdvantageAndKlIsZero() {
        Batch b = new Batch();
        for (int i = 0; i < B; i++) {
            b.oldLogProb[i] = DiagGaussian.logProb(b.actions, i * A, b.mean, i * A, b.logStd, 0, A);
        }
        PpoLoss.PolicyStats s = PpoLoss.policy(b.mean, b.logStd, b.actions, b.oldLogProb, b.adv, B, A, 0.2, 0.0,
                new double[B * A], new double[A]);
        double meanAdv = java.util.Arrays.stream(b.adv).average().orElseThrow();
        assertThat(s.pgLoss()).isCloseTo(-meanAdv, within(1e-12));
        assertThat(s.approxKl()).isCloseTo(0.0, within(1e-15));
        assertThat(s.entropy()).isCloseTo(DiagGaussian.entropy(b.logStd, 0, A), within(1e-15));
    }

    @Test
    void valueGradientMatchesFiniteDifferencesWithAndWithoutClipping() {
        double[] v = {0.5, -1.0, 0.1, 0.1, 3.0};
        double[] old = {0.4, -0.2, 1.0, 0.0, 3.05};
        double[] ret = {1.0, -3.0, 0.0, 0.3, 2.0};
        for (boolean clip : new boolean[] {false, true}) {
            double[] d = new double[v.length];
            PpoLoss.value(v, old, ret, v.length, clip, 0.2, 0.5, d);
            double h = 1e-6;
            for (int i = 0; i < v.length; i++) {
                double keep = v[i];
                v[i] = keep + h;
                double up = 0.5 * PpoLoss.value(v, old, ret, v.length, clip, 0.2, 0.5, new double[v.length]);
                v[i] = keep - h;
                double down = 0.5 * PpoLoss.value(v, old, ret, v.length, clip, 0.2, 0.5, new double[v.length]);
                v[i] = keep;
                assertThat(d[i]).as("clip=%s dV[%d]", clip, i).isCloseTo((up - down) / (2 * h), within(1e-7));
            }
        }
        // Row 2 moved 0.9 towards its return, past the clip range: the clipped loss is larger and flat in v.
        double[] d = new double[v.length];
        PpoLoss.value(v, old, ret, v.length, true, 0.2, 0.5, d);
        assertThat(d[2]).isEqualTo(0.0);
    }

    @Test
    void advantageNormalisationUsesUnbiasedStd() {
        double[] x = {1, 2, 3, 4};
        PpoLoss.normalize(x, 4);
        double std = Math.sqrt((2.25 + 0.25 + 0.25 + 2.25) / 3);
        assertThat(x[0]).isCloseTo(-1.5 / (std + 1e-8), within(1e-12));
        double[] one = {5};
        PpoLoss.normalize(one, 1);
        assertThat(one[0]).isEqualTo(5);
    }
}
