package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class SquashedGaussianTest {
    /** P(lo < u < hi) for u ~ N(mu, s), by composite Simpson (no erf in the JDK). */
    static double gaussianMass(double lo, double hi, double mu, double s) {
        int n = 2000;
        double h = (hi - lo) / n;
        double sum = 0;
        for (int k = 0; k <= n; k++) {
            double u = lo + k * h;
            double z = (u - mu) / s;
            double f = Math.exp(-z * z / 2) / (s * Math.sqrt(2 * Math.PI));
            sum += f * (k == 0 || k == n ? 1 : (k % 2 == 1 ? 4 : 2));
        }
        return sum * h / 3;
    }

    @Test
    void logProbMatchesTheNumericalDensityOfTanhU() {
        double[] mean = {0.3, -1.1};
        double[] logStd = {-0.2, 0.4};
        double[][] actions = {{0.0, 0.5}, {-0.9, 0.99}, {0.999, -0.2}, {0.6, -0.995}};
        for (double[] a : actions) {
            // Numerical density: d/da P(tanh(u) < a) = (F(a + h) - F(a - h)) / 2h, per dimension.
            double density = 1;
            double[] u = new double[2];
            for (int i = 0; i < 2; i++) {
                double s = Math.exp(logStd[i]);
                // The density changes on the scale of 1 - |a|; a step well inside it keeps the O(h^2) error small.
                double h = 1e-3 * (1 - Math.abs(a[i]));
                density *= gaussianMass(SquashedGaussian.atanh(a[i] - h), SquashedGaussian.atanh(a[i] + h), mean[i], s) / (2 * h);
                u[i] = SquashedGaussian.atanh(a[i]);
            }
            double lp = SquashedGaussian.logProb(u, 0, mean, 0, logStd, 0, 2);
            assertThat(lp).as("a = %s", java.util.Arrays.toString(a)).isCloseTo(Math.log(density), offset(1e-6));
        }
    }

    @Test
    void stableCorrectionAgreesWithTheNaiveFormAndStaysFinite() {
        for (double u : new double[] {-5, -1.3, -0.01, 0, 0.5, 2, 7}) {
            double t = Math.tanh(u);
            assertThat(SquashedGaussian.logOneMinusTanhSq(u)).isCloseTo(Math.log(1 - t * t), offset(1e-9));
        }
        // 1 - tanh(30)^2 underflows to 0 in doubles; the stable form gives log(4) - 2|u| + O(e^-2|u|).
        assertThat(SquashedGaussian.logOneMinusTanhSq(30)).isCloseTo(Math.log(4) - 60, offset(1e-12));
        assertThat(SquashedGaussian.logOneMinusTanhSq(-30)).isCloseTo(Math.log(4) - 60, offset(1e-12));
        assertThat(SquashedGaussian.softplus(800)).isEqualTo(800.0);
        assertThat(SquashedGaussian.softplus(-800)).isEqualTo(0.0);
    }

    @Test
    void sampleIsReparameterisedAndReturnsItsLogProb() {
        double[] mean = {0.3, -1.1};
        double[] logStd = {-0.2, 0.4};
        double[] eps = new double[2];
        double[] u = new double[2];
        double[] a = new double[2];
        Rng rng = new Rng(5);
        for (int k = 0; k < 20; k++) {
            double lp = SquashedGaussian.sample(mean, 0, logStd, 0, 2, rng, eps, 0, u, 0, a, 0);
            for (int i = 0; i < 2; i++) {
                assertThat(u[i]).isCloseTo(mean[i] + Math.exp(logStd[i]) * eps[i], offset(1e-15));
                assertThat(a[i]).isEqualTo(Math.tanh(u[i]));
            }
            assertThat(lp).isCloseTo(SquashedGaussian.logProb(u, 0, mean, 0, logStd, 0, 2), offset(1e-12));
        }
    }

    @Test
    void partialsMatchFiniteDifferences() {
        double[] u = {0.8, -2.1};
        double[] mean = {0.3, -1.1};
        double[] logStd = {-0.2, 0.4};
        double[] dU = new double[2];
        double[] dMean = new double[2];
        double[] dLs = new double[2];
        SquashedGaussian.logProbPartials(u, 0, mean, 0, logStd, 0, 2, dU, 0, dMean, 0, dLs, 0);
        double h = 1e-6;
        for (int i = 0; i < 2; i++) {
            assertThat(dU[i]).isCloseTo(fd(u, i, h, x -> SquashedGaussian.logProb(x, 0, mean, 0, logStd, 0, 2)), offset(1e-7));
            assertThat(dMean[i]).isCloseTo(fd(mean, i, h, x -> SquashedGaussian.logProb(u, 0, x, 0, logStd, 0, 2)), offset(1e-7));
            assertThat(dLs[i]).isCloseTo(fd(logStd, i, h, x -> SquashedGaussian.logProb(u, 0, mean, 0, x, 0, 2)), offset(1e-7));
        }
    }

    @Test
    void actorLossGradientMatchesFiniteDifferencesAlongTheReparameterisedPath() {
        double[] mean = {0.3, -1.1};
        double[] logStd = {-0.2, 0.4};
        double[] eps = {0.7, -1.4};
        double[] c = {0.8, -0.3};
        double[] d = {-0.5, 1.2};
        double alpha = 0.2;
        double scale = 0.5;
        // Q(a) = sum c_i a_i + d_i a_i^2, so dQ/da_i = c_i + 2 d_i a_i.
        java.util.function.BiFunction<double[], double[], Double> loss = (m, ls) -> {
            double[] u = new double[2];
            double q = 0;
            for (int i = 0; i < 2; i++) {
                u[i] = m[i] + Math.exp(ls[i]) * eps[i];
                double a = Math.tanh(u[i]);
                q += c[i] * a + d[i] * a * a;
            }
            return scale * (alpha * SquashedGaussian.logProb(u, 0, m, 0, ls, 0, 2) - q);
        };
        double[] dQda = new double[2];
        for (int i = 0; i < 2; i++) {
            double a = Math.tanh(mean[i] + Math.exp(logStd[i]) * eps[i]);
            dQda[i] = c[i] + 2 * d[i] * a;
        }
        double[] dMean = new double[2];
        double[] dLs = new double[2];
        SquashedGaussian.addActorLossGrad(mean, 0, logStd, 0, eps, 0, dQda, 0, 2, alpha, scale, dMean, 0, dLs, 0);
        double h = 1e-6;
        for (int i = 0; i < 2; i++) {
            assertThat(dMean[i]).isCloseTo(fd(mean, i, h, m -> loss.apply(m, logStd)), offset(1e-7));
            assertThat(dLs[i]).isCloseTo(fd(logStd, i, h, ls -> loss.apply(mean, ls)), offset(1e-7));
        }
    }

    static double fd(double[] x, int i, double h, java.util.function.Function<double[], Double> f) {
        double[] p = x.clone();
        double[] m = x.clone();
        p[i] += h;
        m[i] -= h;
        return (f.apply(p) - f.apply(m)) / (2 * h);
    }
}
