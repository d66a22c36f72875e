package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class PoliciesTest {
    @Test
    void gaussianPolicyKeepsMeanNetAndLogStdInOneVectorAndBackpropagatesBoth() {
        Mlp.Builder cfg = Mlp.builder(3, 2).hidden(4).outputInit(Init.orthogonal(0.01)).dataType(DataType.DOUBLE);
        GaussianPolicy pi = new GaussianPolicy(cfg, -0.5, new Rng(1));
        assertThat(pi.numParams()).isEqualTo(cfg.numParams() + 2);
        assertThat(pi.meanNet().params().isView()).isTrue();
        assertThat(pi.logStd().toDoubleVector()).containsExactly(-0.5, -0.5);
        assertThat(pi.entropy()).isCloseTo(2 * (-0.5 + 0.5 + DiagGaussian.HALF_LOG_2PI), offset(1e-12));

        // PPO-style loss L = -mean_r log p(a_r | s_r): check the combined gradient by finite differences.
        INDArray obs = Nd4j.create(new double[][] {{0.1, 0.2, -0.3}, {1.0, -0.5, 0.4}});
        double[] actions = {0.3, -0.2, -1.0, 0.8};
        assertThat(loss(pi, obs, actions)).isFinite();
        double[] mean = new double[4];
        NdArrays.toDoubles(pi.forward(obs), mean);
        double[] ls = new double[2];
        pi.logStd(ls);
        double[] dMean = new double[4];
        double[] dLs = new double[2];
        for (int r = 0; r < 2; r++) {
            DiagGaussian.addLogProbGrad(actions, 2 * r, mean, 2 * r, ls, 0, 2, -0.5, dMean, 2 * r, dLs, 0);
        }
        INDArray dMeanArr = Nd4j.create(new double[][] {{dMean[0], dMean[1]}, {dMean[2], dMean[3]}});
        pi.backward(dMeanArr, dLs);
        double[] g = pi.gradients().toDoubleVector();
        double h = 1e-6;
        for (int i = 0; i < g.length; i++) {
            double v = pi.params().getDouble(0, i);
            pi.params().putScalar(0, i, v + h);
            double lp = loss(pi, obs, actions);
            pi.params().putScalar(0, i, v - h);
            double lm = loss(pi, obs, actions);
            pi.params().putScalar(0, i, v);
            assertThat(g[i]).as("param %d", i).isCloseTo((lp - lm) / (2 * h), offset(1e-7));
        }
    }

    static double loss(GaussianPolicy pi, INDArray obs, double[] actions) {
        double[] mean = new double[4];
        NdArrays.toDoubles(pi.forward(obs), mean);
        double[] lp = new double[2];
        pi.logProb(mean, actions, 2, lp);
        return -(lp[0] + lp[1]) / 2;
    }

    /** The logged std: the mean of exp(log-std) over the parameters, with gSDE over the matrix's 4 x 2 entries. */
    @Test
    void meanStdAveragesTheStdOverTheLogStdParameters() {
        GaussianPolicy pi = new GaussianPolicy(Mlp.builder(3, 2).hidden(4), -0.5, new Rng(1));
        assertThat(pi.meanStd()).isCloseTo(Math.exp(-0.5), offset(1e-7));
        pi.logStd().putScalar(0, 0, 0.0);
        pi.logStd().putScalar(0, 1, (float) Math.log(3.0));
        assertThat(pi.meanStd()).isCloseTo(2.0, offset(1e-6));
        GaussianPolicy sde = new GaussianPolicy(Mlp.builder(3, 2).hidden(4), -1.0,
                new StateDependentNoise(4, 2, true, false), new Rng(1));
        assertThat(sde.logStdSize()).isEqualTo(8);
        sde.logStd().putScalar(0, 7, 0.0);
        assertThat(sde.meanStd()).isCloseTo((7 * Math.exp(-1.0) + 1) / 8, offset(1e-6));
    }

    @Test
    void gaussianPolicySamplingIsSeededAndInferenceCopyIsTheMean() {
        GaussianPolicy pi = new GaussianPolicy(Mlp.builder(3, 2).hidden(8), 0.0, new Rng(1));
        double[] mean = {0.1, 0.2, 0.3, 0.4};
        double[] a1 = new double[4];
        double[] a2 = new double[4];
        pi.sample(mean, 2, new Rng(5), a1);
        pi.sample(mean, 2, new Rng(5), a2);
        assertThat(a1).containsExactly(a2);
        float[] obs = {0.5f, -0.1f, 0.2f};
        float[] out = new float[2];
        pi.toInference().act(obs, out);
        INDArray ref = pi.forward(Nd4j.create(new float[][] {obs}));
        assertThat((double) out[0]).isCloseTo(ref.getDouble(0, 0), offset(1e-6));
        assertThat((double) out[1]).isCloseTo(ref.getDouble(0, 1), offset(1e-6));
    }

    @Test
    void twinCriticNetsDifferShareOneVectorAndGiveDqDaWithoutTouchingGradients() {
        Mlp.Builder q = Mlp.builder(4, 1).hidden(6, 6).activation(Activation.RELU).dataType(DataType.DOUBLE);
        TwinCritic critic = new TwinCritic(q, new Rng(3));
        assertThat(critic.numParams()).isEqualTo(2L * q.numParams());
        assertThat(critic.q1().getParams()).isNotEqualTo(critic.q2().getParams());
        INDArray x = Nd4j.create(new double[][] {{0.1, 0.2, -0.3, 0.5}, {1.0, -0.5, 0.4, -0.9}, {0.3, 0.3, 0.3, 0.3}});
        INDArray m1 = Nd4j.create(new double[][] {{1}, {0}, {1}});
        INDArray m2 = Nd4j.create(new double[][] {{0}, {1}, {0}});
        critic.forward(x);
        critic.gradients().assign(3.0);
        INDArray dx = critic.backwardInput(m1, m2).dup();
        assertThat(critic.gradients().minNumber().doubleValue()).isEqualTo(3.0);
        assertThat(critic.gradients().maxNumber().doubleValue()).isEqualTo(3.0);
        // Finite differences of L = sum m1 Q1 + m2 Q2 w.r.t. the input.
        double h = 1e-6;
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < 4; j++) {
                double v = x.getDouble(r, j);
                x.putScalar(r, j, v + h);
                double lp = twinLoss(critic, x, m1, m2);
                x.putScalar(r, j, v - h);
                double lm = twinLoss(critic, x, m1, m2);
                x.putScalar(r, j, v);
                assertThat(dx.getDouble(r, j)).isCloseTo((lp - lm) / (2 * h), offset(1e-7));
            }
        }
        TwinCritic target = new TwinCritic(q, new Rng(4));
        target.copyParamsFrom(critic);
        assertThat(target.q2().getParams()).containsExactly(critic.q2().getParams());
        double before = target.params().getDouble(0, 0);
        critic.params().putScalar(0, 0, before + 1.0);
        target.polyakUpdate(critic, 0.25);
        assertThat(target.params().getDouble(0, 0)).isCloseTo(before + 0.25, offset(1e-12));
    }

    static double twinLoss(TwinCritic c, INDArray x, INDArray m1, INDArray m2) {
        INDArray[] q = c.forward(x);
        return q[0].mul(m1).sumNumber().doubleValue() + q[1].mul(m2).sumNumber().doubleValue();
    }
}
