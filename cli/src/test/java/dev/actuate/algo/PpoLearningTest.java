package dev.actuate.algo;

import dev.actuate.cli.ModelControllers;
import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Evaluation;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one slow test: PPO with the Zoo's Pendulum hyperparameters learns to swing up within 60k env
 * steps (15 iterations; about half a minute on 2 cores). A random policy scores about -1200;
 * a deterministic evaluation of the trained model must clearly beat it.
 */
class PpoLearningTest {
    @TempDir
    Path dir;

    @Test
    void ppoLearnsPendulum() throws Exception {
        PpoConfig cfg = ConfigYaml.bind(Map.of("n_timesteps", 61_440, "n_envs", 4, "n_steps", 1024,
                "batch_size", 64, "n_epochs", 10, "gamma", 0.9, "gae_lambda", 0.95, "learning_rate", 1e-3),
                PpoConfig.defaults(), "PpoLearningTest");
        try (Ppo ppo = new Ppo(cfg, "Pendulum-v1", 1)) {
            ppo.train(RunDir.open(dir, false), null, null);
        }
        try (Env env = Envs.make("Pendulum-v1")) {
            Controller policy = ModelControllers.load(dir, env);
            Evaluation.Result trained = Evaluation.run(env, policy, 10, 1000);
            Evaluation.Result zero = Evaluation.run(env, obs -> new double[] {0.0}, 10, 1000);
            System.out.printf("PpoLearningTest: trained %.1f, zero action %.1f%n", trained.meanReturn(), zero.meanReturn());
            assertThat(trained.meanReturn()).isGreaterThan(-800);
            assertThat(trained.meanReturn()).isGreaterThan(zero.meanReturn() + 300);
        }
    }
}
