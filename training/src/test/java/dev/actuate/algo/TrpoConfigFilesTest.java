package dev.actuate.algo;

import dev.actuate.sim.EnvSpec;
import dev.actuate.sim.Envs;
import dev.actuate.train.ConfigYaml;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every registered env has a TRPO config under configs/trpo that loads and validates. */
class TrpoConfigFilesTest {
    @Test
    void everyEnvHasAValidTrpoConfig() throws Exception {
        Path dir = Files.isDirectory(Path.of("configs")) ? Path.of("configs", "trpo") : Path.of("..", "configs", "trpo");
        for (EnvSpec spec : Envs.specs()) {
            Path f = dir.resolve(spec.id() + ".yaml");
            assertThat(f).as("config for %s", spec.id()).exists();
            assertThat(ConfigYaml.load(f, TrpoConfig.defaults()).nTimesteps()).isPositive();
        }
        TrpoConfig pendulum = ConfigYaml.load(dir.resolve("Pendulum-v1.yaml"), TrpoConfig.defaults());
        assertThat(pendulum.gamma()).isEqualTo(0.9);
        assertThat(pendulum.nCriticUpdates()).isEqualTo(15);
        assertThat(pendulum.rolloutSize()).isEqualTo(2048);
        assertThat(pendulum.useSde()).isTrue(); // gSDE where the Zoo uses it
        assertThat(pendulum.sdeSampleFreq()).isEqualTo(4);
        TrpoConfig car = ConfigYaml.load(dir.resolve("MountainCarContinuous-v0.yaml"), TrpoConfig.defaults());
        assertThat(car.normObs()).isTrue();
        assertThat(car.nTimesteps()).isEqualTo(50_000);
        assertThat(car.useSde()).isTrue();
        assertThat(ConfigYaml.load(dir.resolve("LunarLanderContinuous-v3.yaml"), TrpoConfig.defaults()).useSde()).isFalse();
        // sb3-contrib's defaults where the Zoo says nothing.
        assertThat(car.targetKl()).isEqualTo(0.01);
        assertThat(car.cgMaxSteps()).isEqualTo(15);
        assertThat(car.cgDamping()).isEqualTo(0.1);
        assertThat(car.lineSearchShrinkingFactor()).isEqualTo(0.8);
        assertThat(car.lineSearchMaxIter()).isEqualTo(10);
    }
}
