package dev.actuate.algo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every registered env has a TRPO config under configs/trpo that loads and validates. */
class TrpoConfigFilesTest {
    @Test
    void everyEnvHasAValidTrpoConfig() throws Exception {
        ConfigFiles.assertEveryEnvHasOne("trpo", TrpoConfig.defaults());
        TrpoConfig pendulum = ConfigFiles.load("trpo", "Pendulum-v1", TrpoConfig.defaults());
        assertThat(pendulum.gamma()).isEqualTo(0.9);
        assertThat(pendulum.nCriticUpdates()).isEqualTo(15);
        assertThat(pendulum.rolloutSize()).isEqualTo(2048);
        assertThat(pendulum.useSde()).isTrue(); // gSDE where the Zoo uses it
        assertThat(pendulum.sdeSampleFreq()).isEqualTo(4);
        TrpoConfig car = ConfigFiles.load("trpo", "MountainCarContinuous-v0", TrpoConfig.defaults());
        assertThat(car.normObs()).isTrue();
        assertThat(car.nTimesteps()).isEqualTo(50_000);
        assertThat(car.useSde()).isTrue();
        assertThat(ConfigFiles.load("trpo", "LunarLanderContinuous-v3", TrpoConfig.defaults()).useSde()).isFalse();
        // sb3-contrib's defaults where the Zoo says nothing.
        assertThat(car.targetKl()).isEqualTo(0.01);
        assertThat(car.cgMaxSteps()).isEqualTo(15);
        assertThat(car.cgDamping()).isEqualTo(0.1);
        assertThat(car.lineSearchShrinkingFactor()).isEqualTo(0.8);
        assertThat(car.lineSearchMaxIter()).isEqualTo(10);
    }
}
