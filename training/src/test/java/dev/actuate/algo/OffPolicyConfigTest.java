package dev.actuate.algo;

import dev.actuate.train.ConfigYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffPolicyConfigTest {
    @Test
    void everyRegisteredEnvHasAValidConfigForEveryOffPolicyAlgorithm() throws Exception {
        ConfigFiles.assertEveryEnvHasOne("sac", SacConfig.defaults());
        ConfigFiles.assertEveryEnvHasOne("td3", Td3Config.defaults());
        ConfigFiles.assertEveryEnvHasOne("ddpg", DdpgConfig.defaults());
    }

    @Test
    void zooValuesAreBound() throws Exception {
        SacConfig lander = ConfigFiles.load("sac", "LunarLanderContinuous-v3", SacConfig.defaults());
        assertThat(lander.learningRate()).isEqualTo(7.3e-4);
        assertThat(lander.annealLr()).isTrue();
        assertThat(lander.hiddenSizes()).containsExactly(400, 300);
        assertThat(lander.entCoef()).isNull(); // auto
        // The values that produced the Zoo's TD3/DDPG figures: SB3 < 2.3's per-episode training and batch 100.
        Td3Config pendulum = ConfigFiles.load("td3", "Pendulum-v1", Td3Config.defaults());
        assertThat(pendulum.trainFreqUnit()).isEqualTo(TrainFreqUnit.EPISODE);
        assertThat(pendulum.trainFreq()).isEqualTo(1);
        assertThat(pendulum.gradientSteps()).isEqualTo(-1);
        assertThat(pendulum.batchSize()).isEqualTo(100);
        assertThat(pendulum.policyDelay()).isEqualTo(2);
        DdpgConfig ddpgWalker = ConfigFiles.load("ddpg", "BipedalWalker-v3", DdpgConfig.defaults());
        assertThat(ddpgWalker.trainFreqUnit()).isEqualTo(TrainFreqUnit.EPISODE);
        assertThat(ddpgWalker.batchSize()).isEqualTo(100);
        // TD3's MountainCar has the figure's values too (measured the same as SB3 2.3's).
        Td3Config td3Car = ConfigFiles.load("td3", "MountainCarContinuous-v0", Td3Config.defaults());
        assertThat(td3Car.trainFreqUnit()).isEqualTo(TrainFreqUnit.EPISODE);
        assertThat(td3Car.gradientSteps()).isEqualTo(-1);
        assertThat(td3Car.batchSize()).isEqualTo(100);
        // TD3's lander keeps SB3 2.3's per-step values, with which its cell is met.
        Td3Config td3Lander = ConfigFiles.load("td3", "LunarLanderContinuous-v3", Td3Config.defaults());
        assertThat(td3Lander.trainFreqUnit()).isEqualTo(TrainFreqUnit.STEP);
        assertThat(td3Lander.gradientSteps()).isEqualTo(1);
        assertThat(td3Lander.batchSize()).isEqualTo(256);
        DdpgConfig car = ConfigFiles.load("ddpg", "MountainCarContinuous-v0", DdpgConfig.defaults());
        assertThat(car.noiseType()).isEqualTo(NoiseType.ORNSTEIN_UHLENBECK);
        assertThat(car.noiseStd()).isEqualTo(0.5);
        assertThat(car.trainFreqUnit()).isEqualTo(TrainFreqUnit.EPISODE);
        assertThat(car.batchSize()).isEqualTo(100);
        // gSDE where the Zoo uses it.
        SacConfig sacCar = ConfigFiles.load("sac", "MountainCarContinuous-v0", SacConfig.defaults());
        assertThat(sacCar.useSde()).isTrue();
        assertThat(sacCar.logStdInit()).isEqualTo(-3.67);
        assertThat(sacCar.sdeSampleFreq()).isEqualTo(-1);
        SacConfig walker = ConfigFiles.load("sac", "BipedalWalker-v3", SacConfig.defaults());
        assertThat(walker.useSde()).isTrue();
        assertThat(walker.logStdInit()).isEqualTo(-3.0);
        assertThat(ConfigFiles.load("sac", "Pendulum-v1", SacConfig.defaults()).useSde()).isFalse();
    }

    @Test
    void badValuesAreErrorsNamingKeyAndFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "taus: 0.1\n");
        assertThatThrownBy(() -> ConfigYaml.load(f, SacConfig.defaults()))
                .hasMessageContaining("bad.yaml").hasMessageContaining("unknown key 'taus'");
        Files.writeString(f, "tau: 1.5\n");
        assertThatThrownBy(() -> ConfigYaml.load(f, SacConfig.defaults())).hasMessageContaining("tau must be in");
        Files.writeString(f, "gradient_steps: 0\n");
        assertThatThrownBy(() -> ConfigYaml.load(f, Td3Config.defaults())).hasMessageContaining("gradient_steps");
        Files.writeString(f, "noise_type: pink\n");
        assertThatThrownBy(() -> ConfigYaml.load(f, DdpgConfig.defaults())).hasMessageContaining("noise_type");
    }

    /** SAC, TD3 and DDPG check their shared keys with one helper: each config refuses each bad value by its key. */
    @Test
    void everyOffPolicyConfigRefusesBadSharedKeysByName() {
        Map<String, Object> bad = Map.of("n_timesteps", 0, "buffer_size", 0, "learning_starts", -1, "batch_size", 0,
                "learning_rate", 0.0, "gamma", 1.5, "tau", 0.0, "train_freq", 0, "gradient_steps", -2);
        List<Record> defaults = List.of(SacConfig.defaults(), Td3Config.defaults(), DdpgConfig.defaults());
        for (Record d : defaults) {
            for (Map.Entry<String, Object> e : bad.entrySet()) {
                assertThatThrownBy(() -> ConfigYaml.bind(Map.of(e.getKey(), e.getValue()), d, "test"))
                        .as(d.getClass().getSimpleName() + " " + e.getKey())
                        .hasMessageContaining(e.getKey());
            }
        }
        for (Record d : List.of(Td3Config.defaults(), DdpgConfig.defaults())) {
            assertThatThrownBy(() -> ConfigYaml.bind(Map.of("noise_std", -0.1), d, "test"))
                    .hasMessageContaining("noise_std must be in [0.0, 10.0], got -0.1");
        }
    }

    @Test
    void resolvedConfigRoundTrips() {
        SacConfig c = SacConfig.defaults().withNetwork(List.of(32, 32), 64);
        Map<String, Object> m = ConfigYaml.toMap(c);
        assertThat(ConfigYaml.bind(m, SacConfig.defaults(), "map")).isEqualTo(c);
        Td3Config t = Td3Config.defaults();
        assertThat(ConfigYaml.bind(ConfigYaml.toMap(t), Td3Config.defaults(), "map")).isEqualTo(t);
    }

    @Test
    void scheduleTrainsPerStepOrEpisodeAndAnneals() {
        OffPolicySchedule s = new OffPolicySchedule(1000, 100, 4, TrainFreqUnit.STEP, -1, 1e-3, true);
        assertThat(s.rolloutDone(3, 5)).isFalse();
        assertThat(s.rolloutDone(4, 0)).isTrue();
        assertThat(s.gradientSteps(4)).isEqualTo(4);
        assertThat(s.learning(100)).isFalse();
        assertThat(s.learning(101)).isTrue();
        assertThat(s.learningRate(250)).isEqualTo(7.5e-4);
        OffPolicySchedule e = new OffPolicySchedule(1000, 0, 1, TrainFreqUnit.EPISODE, 8, 1e-3, false);
        assertThat(e.rolloutDone(500, 0)).isFalse();
        assertThat(e.rolloutDone(37, 1)).isTrue();
        assertThat(e.gradientSteps(37)).isEqualTo(8);
        assertThat(e.learningRate(900)).isEqualTo(1e-3);
    }
}
