package dev.actuate.algo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every registered env has a PPO config under configs/ppo that loads and validates. */
class PpoConfigFilesTest {
    @Test
    void everyEnvHasAValidPpoConfig() throws Exception {
        ConfigFiles.assertEveryEnvHasOne("ppo", PpoConfig.defaults());
        PpoConfig lunar = ConfigFiles.load("ppo", "LunarLanderContinuous-v3", PpoConfig.defaults());
        assertThat(lunar.nEnvs()).isEqualTo(16);
        assertThat(lunar.gaeLambda()).isEqualTo(0.98);
        assertThat(lunar.entCoef()).isEqualTo(0.01);
        assertThat(lunar.useSde()).isFalse();
        // gSDE where the Zoo uses it.
        PpoConfig pendulum = ConfigFiles.load("ppo", "Pendulum-v1", PpoConfig.defaults());
        assertThat(pendulum.useSde()).isTrue();
        assertThat(pendulum.sdeSampleFreq()).isEqualTo(4);
        assertThat(pendulum.logStdInit()).isEqualTo(0.0);
        PpoConfig car = ConfigFiles.load("ppo", "MountainCarContinuous-v0", PpoConfig.defaults());
        assertThat(car.useSde()).isTrue();
        assertThat(car.logStdInit()).isEqualTo(-3.29);
        assertThat(car.orthoInit()).isFalse();
        PpoConfig hardcore = ConfigFiles.load("ppo", "BipedalWalkerHardcore-v3", PpoConfig.defaults());
        assertThat(hardcore.annealClip()).isTrue(); // the Zoo's clip_range: lin_0.2
        assertThat(pendulum.annealClip()).isFalse();
    }
}
