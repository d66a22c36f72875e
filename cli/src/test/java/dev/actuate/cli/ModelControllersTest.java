package dev.actuate.cli;

import dev.actuate.algo.Ppo;
import dev.actuate.algo.PpoConfig;
import dev.actuate.nn.NdArrays;
import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Rng;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ModelControllersTest {
    @TempDir
    Path dir;

    @Test
    void loadedControllerMatchesTheTrainingNetwork() throws Exception {
        PpoConfig cfg = ConfigYaml.bind(Map.of("n_timesteps", 256, "n_envs", 2, "n_steps", 64, "batch_size", 64,
                "n_epochs", 2, "hidden_sizes", List.of(32, 32), "norm_obs", true, "learning_rate", 1e-2),
                PpoConfig.defaults(), "test");
        try (Ppo ppo = new Ppo(cfg, "Pendulum-v1", 5); Env env = Envs.make("Pendulum-v1")) {
            RunDir run = RunDir.open(dir, false);
            ppo.train(run, null, null);
            assertThat(ModelControllers.envId(dir)).isEqualTo("Pendulum-v1");
            Controller c = ModelControllers.load(dir, env);
            Rng rng = new Rng(9);
            double[] normalized = new double[3];
            int differing = 0;
            for (int k = 0; k < 200; k++) {
                double[] obs = {rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-8, 8)};
                ppo.observationStatistics().normalize(obs, Ppo.OBS_EPSILON, cfg.clipObs(), normalized);
                INDArray x = Nd4j.create(DataType.FLOAT, 1, 3);
                NdArrays.fromDoubles(normalized, x);
                double[] mean = new double[1];
                NdArrays.toDoubles(ppo.policy().forward(x), mean);
                double expected = Math.max(-2, Math.min(2, mean[0]));
                double actual = c.act(obs)[0];
                assertThat(actual).isCloseTo(expected, within(1e-5));
                if (Math.abs(actual) > 1e-3) {
                    differing++;
                }
            }
            // The trained policy is not trivially zero, so the comparison means something.
            assertThat(differing).isGreaterThan(100);
            assertThat(ModelControllers.resolve(dir)).isEqualTo(run.model());
        }
    }

    @Test
    void aBadLayerSizeNamesTheFileAndTheField() throws Exception {
        // A training checkpoint: the old self-contained format that eval and convert still read.
        PpoConfig cfg = ConfigYaml.bind(Map.of("n_timesteps", 64, "n_envs", 1, "n_steps", 64, "batch_size", 64,
                "n_epochs", 1, "hidden_sizes", List.of(8, 8)), PpoConfig.defaults(), "test");
        Path runDir = dir.resolve("tiny");
        try (Ppo ppo = new Ppo(cfg, "Pendulum-v1", 1); RunDir run = RunDir.open(runDir, false)) {
            ppo.train(run, null, null);
        }
        Path shipped = runDir.resolve(RunDir.CHECKPOINT);
        assertThat(shipped).as("checkpoint").isRegularFile();
        Object[][] bad = {{List.of(3, -64, 1), "entry 1 is -64"}, {List.of(3, 0, 1), "entry 1 is 0"},
                {List.of(3, 1 << 20, 1), "entry 1 is 1048576"}, {List.of(3, 2.5, 1), "entry 1 is 2.5"},
                {List.of(3, "x", 1), "entry 1 is \"x\""}, {List.of(3), "got [3]"}};
        for (Object[] b : bad) {
            dev.actuate.train.Checkpoint cp = dev.actuate.train.Checkpoint.read(shipped);
            cp.header().set("policy_sizes", dev.actuate.train.Checkpoint.json().valueToTree(b[0]));
            Path file = dir.resolve("bad.actuate");
            Files.write(file, cp.toBytes());
            assertThatThrownBy(() -> ModelControllers.loadModel(file)).as(String.valueOf(b[0]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("'policy_sizes'")
                    .hasMessageContaining((String) b[1]);
        }
    }

    @Test
    void missingAndCorruptModelsAreClearErrors() throws Exception {
        try (Env env = Envs.make("Pendulum-v1")) {
            Path missing = dir.resolve("nothing.actuate");
            assertThatThrownBy(() -> ModelControllers.load(missing, env)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nothing.actuate").hasMessageContaining("does not exist");
            Path empty = Files.createDirectory(dir.resolve("emptyrun"));
            assertThatThrownBy(() -> ModelControllers.load(empty, env)).hasMessageContaining("emptyrun")
                    .hasMessageContaining("model.actuate");
            Path junk = dir.resolve("junk.actuate");
            Files.writeString(junk, "not a model");
            assertThatThrownBy(() -> ModelControllers.load(junk, env)).hasMessageContaining("junk.actuate");
            assertThatThrownBy(() -> ModelControllers.envId(junk)).hasMessageContaining("junk.actuate");
        }
    }
}
