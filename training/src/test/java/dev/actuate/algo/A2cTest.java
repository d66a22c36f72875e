package dev.actuate.algo;

import dev.actuate.nn.DiagGaussian;
import dev.actuate.sim.Rng;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class A2cTest {
    @TempDir
    Path dir;

    /** Tiny Pendulum run: 2 envs x 8 steps, 12 iterations. */
    static A2cConfig tiny() {
        return ConfigYaml.bind(Map.ofEntries(
                Map.entry("n_timesteps", 192), Map.entry("n_envs", 2), Map.entry("n_steps", 8),
                Map.entry("hidden_sizes", List.of(16, 16)), Map.entry("norm_obs", true), Map.entry("norm_reward", true),
                Map.entry("anneal_lr", true), Map.entry("ent_coef", 0.01), Map.entry("checkpoint_every", 1)),
                A2cConfig.defaults(), "test");
    }

    /**
     * SB3's linear schedule is evaluated after the rollout ({@code progress_remaining = 1 - steps collected /
     * total}): with two rollouts of 16 steps for 32 the first update runs at half the rate and the last at 0, so
     * the last update leaves every parameter as it was (the old schedule, 1 - iteration / iterations, ran it at
     * half the rate).
     */
    @Test
    void annealedRateFollowsSbProgressRemainingAndTheLastUpdateRunsAtZero() throws Exception {
        assertThat(A2c.progressRemaining(0, 16, 32)).isEqualTo(0.5);
        assertThat(A2c.progressRemaining(1, 16, 32)).isZero();
        assertThat(A2c.progressRemaining(2, 16, 40)).isZero(); // an overshooting last rollout: clamped, not negative
        assertThat(A2c.progressRemaining(0, 64, 1_000_000)).isEqualTo(1 - 64 / 1e6);
        A2cConfig cfg = ConfigYaml.bind(Map.of("n_timesteps", 32), tiny(), "test");
        float[][] afterFirst = new float[2][];
        try (A2c a = new A2c(cfg, "Pendulum-v1", 5)) {
            float[] initial = a.policy().params().dup().data().asFloat();
            a.train(null, null, x -> {
                afterFirst[0] = x.policy().params().dup().data().asFloat();
                afterFirst[1] = x.valueNet().getParams();
                return true;
            });
            assertThat(a.iteration()).isEqualTo(2);
            assertThat(afterFirst[0]).isNotEqualTo(initial); // the first update (half rate) moved the policy
            assertThat(a.policy().params().dup().data().asFloat()).containsExactly(afterFirst[0]);
            assertThat(a.valueNet().getParams()).containsExactly(afterFirst[1]);
        }
    }

    /** PPO's loss at ratio 1 with unbounded clipping has A2C's gradient, -mean(A d log pi), exactly. */
    @Test
    void policyGradientAtRatioOneIsTheAdvantageWeightedScore() {
        Rng rng = new Rng(4);
        int n = 5;
        int a = 2;
        double[] mean = new double[n * a];
        double[] act = new double[n * a];
        double[] adv = new double[n];
        double[] logStd = {-0.2, 0.4};
        for (int i = 0; i < n * a; i++) {
            mean[i] = rng.nextGaussian();
            act[i] = rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            adv[i] = rng.nextGaussian();
        }
        double[] logProb = new double[n];
        for (int i = 0; i < n; i++) {
            logProb[i] = DiagGaussian.logProb(act, i * a, mean, i * a, logStd, 0, a);
        }
        double[] dMean = new double[n * a];
        double[] dLogStd = new double[a];
        PpoLoss.PolicyStats ps = PpoLoss.policy(mean, logStd, act, logProb, adv, n, a, Double.POSITIVE_INFINITY, 0.0,
                dMean, dLogStd);
        double[] eMean = new double[n * a];
        double[] eLogStd = new double[a];
        double meanAdv = 0;
        for (int i = 0; i < n; i++) {
            DiagGaussian.addLogProbGrad(act, i * a, mean, i * a, logStd, 0, a, -adv[i] / n, eMean, i * a, eLogStd, 0);
            meanAdv += adv[i] / n;
        }
        assertThat(dMean).containsExactly(eMean, within(1e-15));
        assertThat(dLogStd).containsExactly(eLogStd, within(1e-15));
        assertThat(ps.pgLoss()).isCloseTo(-meanAdv, within(1e-15));
        assertThat(ps.clipFraction()).isZero();
    }

    @Test
    void resumedRunIsBitIdenticalWithRmsprop() throws Exception {
        assertResumeIsExact(tiny());
    }

    @Test
    void resumedRunIsBitIdenticalWithAdamAndGsde() throws Exception {
        assertResumeIsExact(ConfigYaml.bind(Map.of("use_rms_prop", false, "use_sde", true, "sde_sample_freq", 4,
                "log_std_init", -1.0), tiny(), "test"));
    }

    private void assertResumeIsExact(A2cConfig cfg) throws Exception {
        PpoResumeTest.Resumed runB = PpoResumeTest.assertResumeIsExact(dir, cfg, A2c::new, A2c::resume, 12, 5, 1);
        Checkpoint cp = Checkpoint.read(runB.checkpoint());
        assertThat(cp.field("algorithm").asText()).isEqualTo("a2c");
        assertThat(cp.has("rmsprop_state")).isEqualTo(cfg.useRmsProp());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Trpo.resume(runB.checkpoint(), null))
                .hasMessage(runB.checkpoint() + ": not a TRPO training checkpoint (kind checkpoint, algorithm a2c)");
        assertThat(dev.actuate.policy.PolicyReader.fromBytes(Files.readAllBytes(runB.model()), "b").algorithm())
                .isEqualTo("a2c");
    }

    @Test
    void everyEnvHasAValidA2cConfig() throws Exception {
        ConfigFiles.assertEveryEnvHasOne("a2c", A2cConfig.defaults());
        A2cConfig car = ConfigFiles.load("a2c", "MountainCarContinuous-v0", A2cConfig.defaults());
        assertThat(car.nSteps()).isEqualTo(100);
        assertThat(car.useSde()).isTrue();
        assertThat(car.sdeSampleFreq()).isEqualTo(16);
        assertThat(car.gaeLambda()).isEqualTo(1.0); // SB3's default: n-step returns
        assertThat(car.useRmsProp()).isTrue();
        assertThat(car.rmsPropEps()).isEqualTo(1e-5);
    }
}
