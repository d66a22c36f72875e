package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class DiagGaussianTest {
    final double[] mean = {0.4, -1.3, 2.0};
    final double[] logStd = {-0.5, 0.2, 0.0};

    @Test
    void logProbIsTheProductOfNormalDensities() {
        double[] x = {0.1, -0.7, 3.5};
        double density = 1;
        for (int i = 0; i < 3; i++) {
            double s = Math.exp(logStd[i]);
            double z = (x[i] - mean[i]) / s;
            density *= Math.exp(-z * z / 2) / (s * Math.sqrt(2 * Math.PI));
        }
        assertThat(DiagGaussian.logProb(x, 0, mean, 0, logStd, 0, 3)).isCloseTo(Math.log(density), offset(1e-12));
        // Offsets: the same sample as row 1 of a batch.
        double[] xs = {9, 9, 9, 0.1, -0.7, 3.5};
        double[] ms = {0, 0, 0, 0.4, -1.3, 2.0};
        assertThat(DiagGaussian.logProb(xs, 3, ms, 3, logStd, 0, 3)).isCloseTo(Math.log(density), offset(1e-12));
    }

    @Test
    void entropyIsTheClosedFormAndMatchesMonteCarlo() {
        double closed = 0;
        for (double ls : logStd) {
            closed += 0.5 * Math.log(2 * Math.PI * Math.E * Math.exp(2 * ls));
        }
        assertThat(DiagGaussian.entropy(logStd, 0, 3)).isCloseTo(closed, offset(1e-12));
        Rng rng = new Rng(1);
        int n = 100_000;
        double[] x = new double[3];
        double sum = 0;
        double sumSq = 0;
        for (int k = 0; k < n; k++) {
            DiagGaussian.sample(mean, 0, logStd, 0, 3, rng, x, 0);
            double lp = DiagGaussian.logProb(x, 0, mean, 0, logStd, 0, 3);
            sum += -lp;
            sumSq += lp * lp;
        }
        double m = sum / n;
        double se = Math.sqrt((sumSq / n - m * m) / n);
        assertThat(m).isCloseTo(closed, offset(5 * se));
    }

    @Test
    void scoreFunctionHasZeroMean() {
        Rng rng = new Rng(2);
        int n = 200_000;
        double[] x = new double[3];
        double[] sum = new double[6];
        double[] sumSq = new double[6];
        double[] dMean = new double[3];
        double[] dLogStd = new double[3];
        for (int k = 0; k < n; k++) {
            DiagGaussian.sample(mean, 0, logStd, 0, 3, rng, x, 0);
            java.util.Arrays.fill(dMean, 0);
            java.util.Arrays.fill(dLogStd, 0);
            DiagGaussian.addLogProbGrad(x, 0, mean, 0, logStd, 0, 3, 1.0, dMean, 0, dLogStd, 0);
            for (int i = 0; i < 3; i++) {
                sum[i] += dMean[i];
                sumSq[i] += dMean[i] * dMean[i];
                sum[3 + i] += dLogStd[i];
                sumSq[3 + i] += dLogStd[i] * dLogStd[i];
            }
        }
        for (int j = 0; j < 6; j++) {
            double m = sum[j] / n;
            double se = Math.sqrt((sumSq[j] / n - m * m) / n);
            assertThat(se).isPositive();
            assertThat(m).as("score component %d", j).isCloseTo(0.0, offset(5 * se));
        }
    }

    @Test
    void logProbGradientMatchesFiniteDifferencesAndAccumulatesWithScale() {
        double[] x = {0.1, -0.7, 3.5};
        double[] dMean = {1, 1, 1};
        double[] dLogStd = {2, 2, 2};
        double scale = -0.7;
        DiagGaussian.addLogProbGrad(x, 0, mean, 0, logStd, 0, 3, scale, dMean, 0, dLogStd, 0);
        double h = 1e-6;
        for (int i = 0; i < 3; i++) {
            double[] mp = mean.clone();
            double[] mm = mean.clone();
            mp[i] += h;
            mm[i] -= h;
            double fdMean = (DiagGaussian.logProb(x, 0, mp, 0, logStd, 0, 3) - DiagGaussian.logProb(x, 0, mm, 0, logStd, 0, 3)) / (2 * h);
            double[] lp = logStd.clone();
            double[] lm = logStd.clone();
            lp[i] += h;
            lm[i] -= h;
            double fdLs = (DiagGaussian.logProb(x, 0, mean, 0, lp, 0, 3) - DiagGaussian.logProb(x, 0, mean, 0, lm, 0, 3)) / (2 * h);
            assertThat(dMean[i]).isCloseTo(1 + scale * fdMean, offset(1e-7));
            assertThat(dLogStd[i]).isCloseTo(2 + scale * fdLs, offset(1e-7));
        }
    }
}
