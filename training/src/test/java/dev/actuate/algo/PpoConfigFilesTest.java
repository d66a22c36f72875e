package dev.actuate.algo;

import dev.actuate.sim.EnvSpec;
import dev.actuate.sim.Envs;
import dev.actuate.train.ConfigYaml;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every registered env has a PPO config under configs/ppo that loads and validates. */
class PpoConfigFilesTest {
    @Test
    void everyEnvHasAValidPpoConfig() throws Exception {
        Path dir = Files.isDirectory(Path.of("configs")) ? Path.of("configs", "ppo") : Path.of("..", "configs", "ppo");
        for (EnvSpec spec : Envs.specs()) {
            Path f = dir.resolve(spec.id() + ".yaml");
            assertThat(f).as("config for %s", spec.id()).exists();
            PpoConfig c = ConfigYaml.load(f, PpoConfig.defaults());
            assertThat(c.nTimesteps()).isPositive();
        }
        PpoConfig lunar = ConfigYaml.load(dir.resolve("LunarLanderContinuous-v3.yaml"), PpoConfig.defaults());
        assertThat(lunar.nEnvs()).isEqualTo(16);
        assertThat(lunar.gaeLambda()).isEqualTo(0.98);
        assertThat(lunar.entCoef()).isEqualTo(0.01);
        assertThat(lunar.useSde()).isFalse();
        // gSDE where the Zoo uses it.
        PpoConfig pendulum = ConfigYaml.load(dir.resolve("Pendulum-v1.yaml"), PpoConfig.defaults());
        assertThat(pendulum.useSde()).isTrue();
        assertThat(pendulum.sdeSampleFreq()).isEqualTo(4);
        assertThat(pendulum.logStdInit()).isEqualTo(0.0);
        PpoConfig car = ConfigYaml.load(dir.resolve("MountainCarContinuous-v0.yaml"), PpoConfig.defaults());
        assertThat(car.useSde()).isTrue();
        assertThat(car.logStdInit()).isEqualTo(-3.29);
        assertThat(car.orthoInit()).isFalse();
        PpoConfig hardcore = ConfigYaml.load(dir.resolve("BipedalWalkerHardcore-v3.yaml"), PpoConfig.defaults());
        assertThat(hardcore.annealClip()).isTrue(); // the Zoo's clip_range: lin_0.2
        assertThat(pendulum.annealClip()).isFalse();
    }
}
