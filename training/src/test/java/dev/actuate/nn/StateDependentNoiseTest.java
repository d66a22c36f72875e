package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class StateDependentNoiseTest {
    static final int L = 3;
    static final int A = 2;
    final double[] latent = {0.7, -1.2, 0.4};

    static double[] params(StateDependentNoise sde, Rng rng, double lo, double hi) {
        double[] p = new double[sde.numParams()];
        for (int i = 0; i < p.length; i++) {
            p[i] = rng.uniform(lo, hi);
        }
        return p;
    }

    @Test
    void stdIsExpOrSb3sExpln() {
        StateDependentNoise exp = new StateDependentNoise(L, A, true, false);
        StateDependentNoise expln = new StateDependentNoise(L, A, true, true);
        assertThat(exp.std(0.8)).isEqualTo(Math.exp(0.8));
        assertThat(expln.std(-0.8)).isEqualTo(Math.exp(-0.8));
        assertThat(expln.std(0.8)).isCloseTo(Math.log(1.8 + 1e-6) + 1.0, offset(1e-15));
        // Continuous at 0 (both sides give 1), and grows like a log.
        assertThat(expln.std(1e-12)).isCloseTo(1.0, offset(1e-5));
        assertThat(expln.std(100)).isLessThan(6.0);
    }

    @Test
    void logSigmaIsTheClosedFormVarianceAndMatchesTheNoiseOverManyMatrices() {
        StateDependentNoise sde = new StateDependentNoise(L, A, true, false);
        double[] logStd = {-0.3, 0.2, 0.1, -1.0, 0.5, 0.0};
        double[] std = new double[L * A];
        sde.std(logStd, std, null);
        double[] logSigma = new double[A];
        sde.logSigma(latent, 0, std, logSigma, 0);
        for (int j = 0; j < A; j++) {
            double var = 1e-6;
            for (int k = 0; k < L; k++) {
                var += latent[k] * latent[k] * Math.exp(2 * logStd[k * A + j]);
            }
            assertThat(logSigma[j]).isCloseTo(0.5 * Math.log(var), offset(1e-14));
        }
        // Monte Carlo over exploration matrices: noise = latent W has mean 0 and variance sigma^2.
        Rng rng = new Rng(3);
        double[] w = new double[L * A];
        double[] n = new double[A];
        int draws = 200_000;
        double[] sum = new double[A];
        double[] sumSq = new double[A];
        for (int d = 0; d < draws; d++) {
            sde.sampleMatrix(std, rng, null, w, 0);
            sde.noise(latent, 0, w, 0, n, 0);
            for (int j = 0; j < A; j++) {
                sum[j] += n[j];
                sumSq[j] += n[j] * n[j];
            }
        }
        for (int j = 0; j < A; j++) {
            double var = Math.exp(2 * logSigma[j]);
            assertThat(sum[j] / draws).isCloseTo(0.0, offset(5 * Math.sqrt(var / draws)));
            // Var of the sample variance of a Gaussian: 2 var^2 / n.
            assertThat(sumSq[j] / draws).isCloseTo(var, offset(5 * var * Math.sqrt(2.0 / draws)));
        }
    }

    @Test
    void notFullStdSharesOneLogStdPerLatentRow() {
        StateDependentNoise sde = new StateDependentNoise(L, A, false, false);
        assertThat(sde.numParams()).isEqualTo(L);
        double[] std = new double[L * A];
        sde.std(new double[] {0.1, -0.2, 0.3}, std, null);
        assertThat(std).containsExactly(Math.exp(0.1), Math.exp(0.1), Math.exp(-0.2), Math.exp(-0.2),
                Math.exp(0.3), Math.exp(0.3));
    }

    /** d/dlogStd of f = sum_j c_j logSigma_j against central differences, for every std variant. */
    @ParameterizedTest
    @CsvSource({"true,false,-1.0,0.5", "false,false,-1.0,0.5", "true,true,0.1,1.5", "true,true,-1.5,-0.1",
            "false,true,0.1,1.5"})
    void logSigmaGradientMatchesFiniteDifferences(boolean fullStd, boolean expln, double lo, double hi) {
        StateDependentNoise sde = new StateDependentNoise(L, A, fullStd, expln);
        double[] logStd = params(sde, new Rng(7), lo, hi);
        double[] c = {0.8, -1.7};
        double[] std = new double[L * A];
        double[] dStd = new double[L * A];
        double[] logSigma = new double[A];
        sde.std(logStd, std, dStd);
        sde.logSigma(latent, 0, std, logSigma, 0);
        double[] grad = new double[sde.numParams()];
        sde.addLogSigmaGrad(latent, 0, std, dStd, logSigma, 0, c, 0, grad);
        double h = 1e-6;
        for (int i = 0; i < grad.length; i++) {
            double v = logStd[i];
            logStd[i] = v + h;
            double fp = weightedLogSigma(sde, logStd, c);
            logStd[i] = v - h;
            double fm = weightedLogSigma(sde, logStd, c);
            logStd[i] = v;
            assertThat(grad[i]).as("param %d", i).isCloseTo((fp - fm) / (2 * h), offset(1e-8));
        }
    }

    private double weightedLogSigma(StateDependentNoise sde, double[] logStd, double[] c) {
        double[] std = new double[L * A];
        double[] ls = new double[A];
        sde.std(logStd, std, null);
        sde.logSigma(latent, 0, std, ls, 0);
        return c[0] * ls[0] + c[1] * ls[1];
    }

    @Test
    void squashedLogProbIsTheGaussianOfTheNoiseWithTheTanhCorrection() {
        StateDependentNoise sde = new StateDependentNoise(L, A, true, false);
        double[] logStd = params(sde, new Rng(2), -1, 0.3);
        double[] std = new double[L * A];
        sde.std(logStd, std, null);
        double[] w = new double[L * A];
        sde.sampleMatrix(std, new Rng(4), null, w, 0);
        double[] mean = {0.3, -0.6};
        double[] logSigma = new double[A];
        double[] u = new double[A];
        double[] a = new double[A];
        double lp = sde.squashedSample(mean, 0, latent, 0, std, w, 0, logSigma, 0, u, 0, a, 0);
        double expected = 0;
        for (int j = 0; j < A; j++) {
            double n = 0;
            double var = 1e-6;
            for (int k = 0; k < L; k++) {
                n += latent[k] * w[k * A + j];
                var += latent[k] * latent[k] * std[k * A + j] * std[k * A + j];
            }
            assertThat(u[j]).isCloseTo(mean[j] + n, offset(1e-14));
            assertThat(a[j]).isCloseTo(Math.tanh(mean[j] + n), offset(1e-14));
            double t = Math.tanh(u[j]);
            expected += -n * n / (2 * var) - 0.5 * Math.log(2 * Math.PI * var) - Math.log(1 - t * t);
        }
        assertThat(lp).isCloseTo(expected, offset(1e-10));
    }

    /**
     * SAC's actor loss {@code alpha log p(a) - q . a} (a critic linear in the action, so dQ/da = q) along the
     * reparameterised path {@code W = std(logStd) * eps}, eps fixed: the gradient w.r.t. the mean and the
     * log-std against central differences, for each std variant.
     */
    @ParameterizedTest
    @CsvSource({"true,false", "false,false", "true,true"})
    void squashedActorLossGradientMatchesFiniteDifferences(boolean fullStd, boolean expln) {
        StateDependentNoise sde = new StateDependentNoise(L, A, fullStd, expln);
        double[] logStd = params(sde, new Rng(5), -0.8, 0.6);
        double[] eps = new double[L * A];
        Rng rng = new Rng(6);
        for (int i = 0; i < eps.length; i++) {
            eps[i] = rng.nextGaussian();
        }
        double[] mean = {0.2, -0.4};
        double[] q = {1.3, -0.6};
        double alpha = 0.37;
        double scale = 0.5;

        double[] std = new double[L * A];
        double[] dStd = new double[L * A];
        sde.std(logStd, std, dStd);
        double[] w = new double[L * A];
        for (int i = 0; i < w.length; i++) {
            w[i] = std[i] * eps[i];
        }
        double[] logSigma = new double[A];
        double[] u = new double[A];
        double[] a = new double[A];
        sde.squashedSample(mean, 0, latent, 0, std, w, 0, logSigma, 0, u, 0, a, 0);
        double[] dMean = new double[A];
        double[] dLogStd = new double[sde.numParams()];
        double[] dLatent = new double[L + 1]; // at an offset of 1
        sde.addSquashedActorLossGrad(mean, 0, latent, 0, std, dStd, eps, u, 0, logSigma, 0, q, 0, alpha, scale,
                dMean, 0, dLogStd, dLatent, 1);

        // Central differences of the loss in each input array: the mean, the log-std and the latent (SAC's
        // learn_features=True: through the noise l W and the variance sum l^2 std^2).
        java.util.function.DoubleSupplier loss = () -> scale * actorLoss(sde, mean, logStd, eps, q, alpha);
        assertMatchesCentralDifferences("mean", mean, dMean, 0, loss);
        assertMatchesCentralDifferences("log-std", logStd, dLogStd, 0, loss);
        assertThat(dLatent[0]).isZero();
        assertMatchesCentralDifferences("latent", latent, dLatent, 1, loss);
        // Without dLatent the mean and log-std gradients are the same.
        double[] dMean2 = new double[A];
        double[] dLogStd2 = new double[sde.numParams()];
        sde.addSquashedActorLossGrad(mean, 0, latent, 0, std, dStd, eps, u, 0, logSigma, 0, q, 0, alpha, scale,
                dMean2, 0, dLogStd2, null, 0);
        assertThat(dMean2).containsExactly(dMean);
        assertThat(dLogStd2).containsExactly(dLogStd);
    }

    /** Each entry {@code analytic[off + i]} against the central difference of {@code loss} in {@code x[i]}. */
    private static void assertMatchesCentralDifferences(String name, double[] x, double[] analytic, int off,
                                                        java.util.function.DoubleSupplier loss) {
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            x[i] = v + h;
            double fp = loss.getAsDouble();
            x[i] = v - h;
            double fm = loss.getAsDouble();
            x[i] = v;
            assertThat(analytic[off + i]).as("%s %d", name, i).isCloseTo((fp - fm) / (2 * h), offset(1e-8));
        }
    }

    private double actorLoss(StateDependentNoise sde, double[] mean, double[] logStd, double[] eps, double[] q,
                             double alpha) {
        double[] std = new double[L * A];
        sde.std(logStd, std, null);
        double[] w = new double[L * A];
        for (int i = 0; i < w.length; i++) {
            w[i] = std[i] * eps[i];
        }
        double[] ls = new double[A];
        double[] u = new double[A];
        double[] a = new double[A];
        double lp = sde.squashedSample(mean, 0, latent, 0, std, w, 0, ls, 0, u, 0, a, 0);
        return alpha * lp - (q[0] * a[0] + q[1] * a[1]);
    }

    // ------------------------------------------------------------------------ through GaussianPolicy

    static GaussianPolicy policy(boolean fullStd) {
        Mlp.Builder net = Mlp.builder(3, 2).hidden(5, 4).outputInit(Init.orthogonal(0.5)).dataType(DataType.DOUBLE);
        return new GaussianPolicy(net, -0.4, new StateDependentNoise(4, 2, fullStd, false), new Rng(1));
    }

    @Test
    void noiseIsAFunctionOfTheStateUntilTheMatricesAreRedrawn() {
        GaussianPolicy pi = policy(true);
        assertThat(pi.logStdSize()).isEqualTo(8);
        Rng rng = new Rng(9);
        pi.resetNoise(2, rng);
        INDArray obs = Nd4j.create(new double[][] {{0.1, 0.2, -0.3}, {1.0, -0.5, 0.4}});
        double[] mean = new double[4];
        NdArrays.toDoubles(pi.forward(obs), mean);
        double[] a1 = new double[4];
        double[] a2 = new double[4];
        pi.sample(mean, 2, rng, a1);
        long rngState = rng.state();
        pi.sample(mean, 2, rng, a2);
        assertThat(a2).containsExactly(a1);
        assertThat(rng.state()).as("sampling draws nothing between redraws").isEqualTo(rngState);
        // Row r's noise is latent_r times env r's matrix.
        double[] latent = new double[8];
        NdArrays.toDoubles(pi.meanNet().lastHidden(), latent);
        double[] w = pi.explorationMatrices();
        for (int r = 0; r < 2; r++) {
            for (int j = 0; j < 2; j++) {
                double n = 0;
                for (int k = 0; k < 4; k++) {
                    n += latent[r * 4 + k] * w[r * 8 + k * 2 + j];
                }
                assertThat(a1[r * 2 + j]).isCloseTo(mean[r * 2 + j] + n, offset(1e-12));
            }
        }
        pi.resetNoise(2, rng);
        pi.sample(mean, 2, rng, a2);
        assertThat(a2).isNotEqualTo(a1);
        assertThatThrownBy(pi::entropy).isInstanceOf(IllegalStateException.class);
    }

    /**
     * PPO's clipped loss through a gSDE policy: gradient of every parameter (mean net and log-std matrix). As
     * SB3 ({@code learn_features=False}) the variance sees the latent features as constants, so the finite
     * differences of the mean network's parameters hold the variance's latent at its unperturbed value.
     */
    @ParameterizedTest
    @CsvSource({"true", "false"})
    void ppoLossGradientThroughAGsdePolicyMatchesFiniteDifferences(boolean fullStd) {
        GaussianPolicy pi = policy(fullStd);
        // Spread the log-std so every entry matters.
        Rng r = new Rng(4);
        for (int i = 0; i < pi.logStdSize(); i++) {
            pi.logStd().putScalar(0, i, r.uniform(-1, 0.5));
        }
        INDArray obs = Nd4j.create(new double[][] {{0.1, 0.2, -0.3}, {1.0, -0.5, 0.4}, {-0.7, 0.9, 0.05}});
        double[] actions = {0.3, -0.2, -1.0, 0.8, 0.1, 0.5};
        double[] adv = {1.0, -0.7, 0.4};
        double[] old = {-2.0, -2.5, -1.9};
        double[] mean = new double[6];
        double[] ls = new double[6];
        double[] dMean = new double[6];
        double[] dLs = new double[6];
        NdArrays.toDoubles(pi.forward(obs), mean);
        int stride = pi.logStdRows(3, ls);
        assertThat(stride).isEqualTo(2);
        dev.actuate.algo.PpoLoss.policy(mean, ls, stride, actions, old, adv, 3, 2, 10.0, 0.05, dMean, dLs);
        pi.backward(Nd4j.create(dMean, new long[] {3, 2}), dLs);
        double[] g = pi.gradients().toDoubleVector();
        double[] frozenLs = ls.clone();
        long meanParams = pi.meanNet().numParams();
        double h = 1e-6;
        for (int i = 0; i < g.length; i++) {
            double[] fixedLs = i < meanParams ? frozenLs : null;
            double v = pi.params().getDouble(0, i);
            pi.params().putScalar(0, i, v + h);
            double lp = ppoLoss(pi, obs, actions, old, adv, fixedLs);
            pi.params().putScalar(0, i, v - h);
            double lm = ppoLoss(pi, obs, actions, old, adv, fixedLs);
            pi.params().putScalar(0, i, v);
            assertThat(g[i]).as("param %d", i).isCloseTo((lp - lm) / (2 * h), offset(1e-7));
        }
        // The latent does reach the variance: without freezing it a hidden weight's difference quotient differs.
        double v = pi.params().getDouble(0, 0);
        pi.params().putScalar(0, 0, v + h);
        double lp = ppoLoss(pi, obs, actions, old, adv, null);
        pi.params().putScalar(0, 0, v - h);
        double lm = ppoLoss(pi, obs, actions, old, adv, null);
        pi.params().putScalar(0, 0, v);
        assertThat(Math.abs(g[0] - (lp - lm) / (2 * h))).isGreaterThan(1e-5);
    }

    private static double ppoLoss(GaussianPolicy pi, INDArray obs, double[] actions, double[] old, double[] adv,
                                  double[] fixedLogSigma) {
        double[] mean = new double[6];
        double[] ls = new double[6];
        NdArrays.toDoubles(pi.forward(obs), mean);
        int stride = pi.logStdRows(3, ls);
        if (fixedLogSigma != null) {
            ls = fixedLogSigma;
        }
        // Clip range 10: the surrogate stays on its unclipped branch, so the loss is smooth here.
        return dev.actuate.algo.PpoLoss.policy(mean, ls, stride, actions, old, adv, 3, 2, 10.0, 0.05, new double[6],
                new double[6]).loss();
    }

    @Test
    void gsdeLogProbIsTheGaussianWithVarianceFromTheLatent() {
        GaussianPolicy pi = policy(true);
        INDArray obs = Nd4j.create(new double[][] {{0.4, -0.2, 0.9}});
        double[] mean = new double[2];
        NdArrays.toDoubles(pi.forward(obs), mean);
        double[] latent = new double[4];
        NdArrays.toDoubles(pi.meanNet().lastHidden(), latent);
        double[] x = {0.25, -0.1};
        double[] lp = new double[1];
        pi.logProb(mean, x, 1, lp);
        double expected = 0;
        for (int j = 0; j < 2; j++) {
            double var = 1e-6;
            for (int k = 0; k < 4; k++) {
                var += latent[k] * latent[k] * Math.exp(2 * -0.4);
            }
            double d = x[j] - mean[j];
            expected += -d * d / (2 * var) - 0.5 * Math.log(2 * Math.PI * var);
        }
        assertThat(lp[0]).isCloseTo(expected, offset(1e-10));
    }
}
