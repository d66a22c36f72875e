package dev.actuate.algo;

import dev.actuate.nn.Activation;
import dev.actuate.nn.GaussianPolicy;
import dev.actuate.nn.Init;
import dev.actuate.nn.Mlp;
import dev.actuate.nn.NdArrays;
import dev.actuate.sim.Rng;
import dev.actuate.train.ConfigYaml;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * TRPO's trust region against sb3-contrib's TRPO, line by line: the KL it bounds ({@code kl_divergence(new,
 * old).mean()} over PyTorch's element-wise Normal KL), the Fisher it solves with (that KL's Hessian, damped) and
 * the critic's minibatches ({@code rollout_buffer.get(batch_size)}).
 */
class TrpoFidelityTest {
    private static final int OBS = 3;
    private static final int ACT = 2;
    private static final int ROWS = 7;

    /**
     * Two rows, two action dimensions, a shared log-std: old N((0, 0), 1) and N((1, -1), 1); new means (0.3, 0)
     * and (1, -0.5), log-std (-0.5, 0.2). KL(new || old) per element is {@code lo - ln + (e^{2 ln} + dm^2) /
     * (2 e^{2 lo}) - 1/2}; the four elements' mean is 0.157426034703178 (computed independently in double
     * precision). The reverse direction, KL(old || new), gives 0.2486786406, and the KL summed over the action
     * dimensions (the old measure) twice that: a step the old line search rejected at target 0.2 passes here.
     */
    @Test
    void meanKlIsKlOfNewFromOldAveragedOverRowsAndActionDimensions() {
        double[] oldMean = {0, 0, 1, -1};
        double[] oldLogStd = {0, 0};
        double[] newMean = {0.3, 0, 1, -0.5};
        double[] newLogStd = {-0.5, 0.2};
        assertThat(Trpo.meanKl(newMean, newLogStd, 0, oldMean, oldLogStd, 0, 2, ACT))
                .isCloseTo(0.15742603470317817, within(1e-14));
        // Per-row log-std (gSDE's layout, stride = actDim) gives the same answer when the rows repeat it.
        double[] perRowNew = {-0.5, 0.2, -0.5, 0.2};
        double[] perRowOld = {0, 0, 0, 0};
        assertThat(Trpo.meanKl(newMean, perRowNew, ACT, oldMean, perRowOld, ACT, 2, ACT))
                .isCloseTo(0.15742603470317817, within(1e-14));
        // The direction matters: swapping old and new gives KL(old || new).
        assertThat(Trpo.meanKl(oldMean, oldLogStd, 0, newMean, newLogStd, 0, 2, ACT))
                .isCloseTo(0.24867864063244913, within(1e-14));
        assertThat(Trpo.meanKl(oldMean, oldLogStd, 0, oldMean, oldLogStd, 0, 2, ACT)).isZero();
    }

    /**
     * The operator conjugate gradient solves with is the Hessian of the line search's KL at new = old (second
     * differences of {@link Trpo#meanKl} along random directions), plus {@code damping I}: the quadratic model that
     * sizes the step ({@code sqrt(2 target_kl / s^T A s)}) and the KL that accepts it are one quantity, as in
     * sb3-contrib. With two action dimensions the undivided Fisher (the old operator) is off by a factor of 2.
     */
    @Test
    void fisherOperatorIsTheHessianOfTheLineSearchKlPlusDamping() {
        Rng rng = new Rng(21);
        GaussianPolicy pi = new GaussianPolicy(Mlp.builder(OBS, ACT).hidden(5, 4).activation(Activation.TANH)
                .hiddenInit(Init.xavierUniform()).outputInit(Init.orthogonal(1.0)).dataType(DataType.DOUBLE), -0.3, rng);
        int p = (int) pi.params().length();
        double[] theta = new double[p];
        NdArrays.toDoubles(pi.params(), theta);
        for (int i = 0; i < p; i++) {
            theta[i] += 0.1 * rng.nextGaussian(); // random biases and unequal log-stds
        }
        NdArrays.fromDoubles(theta, pi.params());
        INDArray obs = Nd4j.zeros(DataType.DOUBLE, ROWS, OBS);
        double[] x = new double[ROWS * OBS];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        NdArrays.fromDoubles(x, obs);
        double[] oldMean = new double[ROWS * ACT];
        double[] oldLogStd = new double[ACT];
        NdArrays.toDoubles(pi.forward(obs), oldMean);
        pi.logStdRows(ROWS, oldLogStd);

        for (int trial = 0; trial < 3; trial++) {
            double[] v = new double[p];
            for (int i = 0; i < p; i++) {
                v[i] = rng.nextGaussian();
            }
            double h = 1e-3;
            double plus = klAt(pi, obs, theta, v, h, oldMean, oldLogStd);
            double minus = klAt(pi, obs, theta, v, -h, oldMean, oldLogStd);
            double curvature = (plus + minus) / (h * h); // KL(theta) = 0 and its gradient vanishes there

            NdArrays.fromDoubles(theta, pi.params());
            pi.prepareFisher(obs);
            double[] out = new double[p];
            Trpo.fisher(pi, 0.0).apply(v, out);
            assertThat(TrustRegion.dot(v, out)).isCloseTo(curvature, within(1e-5 * Math.abs(curvature)));

            double[] damped = new double[p];
            Trpo.fisher(pi, 0.1).apply(v, damped);
            for (int i = 0; i < p; i++) {
                assertThat(damped[i] - out[i]).isCloseTo(0.1 * v[i], within(1e-12));
            }
        }
    }

    private static double klAt(GaussianPolicy pi, INDArray obs, double[] theta, double[] v, double h,
                               double[] oldMean, double[] oldLogStd) {
        double[] t = theta.clone();
        for (int i = 0; i < t.length; i++) {
            t[i] += h * v[i];
        }
        NdArrays.fromDoubles(t, pi.params());
        double[] mean = new double[ROWS * ACT];
        double[] logStd = new double[ACT];
        NdArrays.toDoubles(pi.forward(obs), mean);
        int stride = pi.logStdRows(ROWS, logStd);
        return Trpo.meanKl(mean, logStd, stride, oldMean, oldLogStd, 0, ROWS, ACT);
    }

    /**
     * SB3's {@code rollout_buffer.get(batch_size)} covers the whole rollout every pass, ending with a shorter
     * minibatch when batch_size does not divide it: 100 rows in minibatches of 64 are two critic steps a pass (64 +
     * 36), so 3 passes are 6 Adam steps (the old loop dropped the last 36 rows: 3 steps).
     */
    @Test
    void criticFitsTheWholeRolloutEveryPassIncludingTheShorterLastMinibatch() throws Exception {
        TrpoConfig cfg = ConfigYaml.bind(Map.ofEntries(
                Map.entry("n_timesteps", 100), Map.entry("n_envs", 1), Map.entry("n_steps", 100),
                Map.entry("batch_size", 64), Map.entry("hidden_sizes", List.of(8, 8)), Map.entry("cg_max_steps", 5),
                Map.entry("n_critic_updates", 3)), TrpoConfig.defaults(), "test");
        try (Trpo t = new Trpo(cfg, "Pendulum-v1", 4)) {
            t.train(null, null, null);
            assertThat(t.iteration()).isEqualTo(1);
            assertThat(t.checkpoint().field("value_adam_iteration").asInt()).isEqualTo(6);
        }
    }
}
