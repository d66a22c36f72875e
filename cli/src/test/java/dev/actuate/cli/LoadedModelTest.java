package dev.actuate.cli;

import dev.actuate.runtime.LoadedModel;

import dev.actuate.algo.Ppo;
import dev.actuate.algo.PpoConfig;
import dev.actuate.runtime.Policy;
import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Rng;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The run-time float path of a trained model agrees with eval's controller and allocates nothing. */
class LoadedModelTest {
    @TempDir
    Path dir;

    @Test
    void runtimePolicyMatchesTheEvalControllerAndAllocatesNothing() throws Exception {
        // One PPO iteration (2 envs x 64 steps) with observation normalisation on.
        PpoConfig cfg = ConfigYaml.bind(Map.of("n_timesteps", 128, "n_envs", 2, "n_steps", 64, "batch_size", 64,
                "n_epochs", 1, "hidden_sizes", List.of(16, 16), "norm_obs", true, "learning_rate", 1e-2),
                PpoConfig.defaults(), "test");
        try (Ppo ppo = new Ppo(cfg, "Pendulum-v1", 3); Env env = Envs.make("Pendulum-v1")) {
            ppo.train(RunDir.open(dir, false), null, null);
        }
        try (Env env = Envs.make("Pendulum-v1")) {
            Policy runtime = Policies.resolve(dir.toString(), null, env); // what `run --model` and `demo --model` use
            assertThat(runtime).isInstanceOf(LoadedModel.class);
            LoadedModel standalone = ModelControllers.loadModel(dir);
            assertThat(standalone.envId()).isEqualTo("Pendulum-v1");
            Controller eval = ModelControllers.load(dir, env);
            Rng rng = new Rng(4);
            float[] obs = new float[3];
            float[] act = new float[1];
            float[] act2 = new float[1];
            int nonZero = 0;
            for (int k = 0; k < 500; k++) {
                // Up to 30 rad/s, beyond the env's 8: large inputs also exercise the normaliser's clip.
                obs[0] = (float) rng.uniform(-1, 1);
                obs[1] = (float) rng.uniform(-1, 1);
                obs[2] = (float) rng.uniform(-30, 30);
                runtime.act(obs, act);
                standalone.act(obs, act2);
                double expected = eval.act(new double[] {obs[0], obs[1], obs[2]})[0];
                assertThat((double) act[0]).isCloseTo(expected, within(1e-6));
                assertThat(act2[0]).isEqualTo(act[0]);
                nonZero += Math.abs(expected) > 1e-3 ? 1 : 0;
            }
            assertThat(nonZero).as("the policy is not trivially zero").isGreaterThan(250);

            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int k = 0; k < 20_000; k++) { // warm-up (JIT)
                obs[2] = k % 17;
                runtime.act(obs, act);
            }
            long b1 = mx.getCurrentThreadAllocatedBytes();
            for (int k = 0; k < 20_000; k++) {
                obs[2] = k % 17;
                runtime.act(obs, act);
            }
            long b2 = mx.getCurrentThreadAllocatedBytes();
            // Any allocation per call would be >= 16 bytes x 20k; the bound leaves room for the probe itself.
            assertThat(b2 - b1).as("bytes over 20k calls").isLessThan(1024);
        }
    }
}
