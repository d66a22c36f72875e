package dev.actuate.train;

import dev.actuate.algo.PpoConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigYamlTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path f = dir.resolve("ppo.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void keysAreSnakeCase() {
        assertThat(ConfigYaml.key("gaeLambda")).isEqualTo("gae_lambda");
        assertThat(ConfigYaml.key("nEnvs")).isEqualTo("n_envs");
        assertThat(ConfigYaml.key("clipVloss")).isEqualTo("clip_vloss");
    }

    @Test
    void overridesDefaultsAndKeepsTheRest() throws Exception {
        PpoConfig c = ConfigYaml.load(yaml("""
                n_envs: 4
                n_steps: 1024
                gamma: 0.9
                learning_rate: 1e-3
                n_timesteps: !!float 1e5
                hidden_sizes: [32, 16]
                target_kl: 0.02
                """), PpoConfig.defaults());
        assertThat(c.nEnvs()).isEqualTo(4);
        assertThat(c.nSteps()).isEqualTo(1024);
        assertThat(c.gamma()).isEqualTo(0.9);
        assertThat(c.learningRate()).isEqualTo(1e-3);
        assertThat(c.nTimesteps()).isEqualTo(100_000);
        assertThat(c.hiddenSizes()).containsExactly(32, 16);
        assertThat(c.targetKl()).isEqualTo(0.02);
        assertThat(c.batchSize()).isEqualTo(PpoConfig.defaults().batchSize());
        assertThat(c.clipCoef()).isEqualTo(0.2);
    }

    @Test
    void unknownKeyNamesKeyAndFile() throws Exception {
        Path f = yaml("n_envs: 4\nclip_range: 0.2\n");
        assertThatThrownBy(() -> ConfigYaml.load(f, PpoConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("unknown key 'clip_range'")
                .hasMessageContaining("clip_coef");
    }

    @Test
    void outOfRangeValueNamesKeyAndFile() throws Exception {
        Path f = yaml("gamma: 1.5\n");
        assertThatThrownBy(() -> ConfigYaml.load(f, PpoConfig.defaults()))
                .hasMessageContaining(f.toString())
                .hasMessageContaining("gamma")
                .hasMessageContaining("1.5");
        Path g = yaml("n_steps: 0\n");
        assertThatThrownBy(() -> ConfigYaml.load(g, PpoConfig.defaults())).hasMessageContaining("n_steps must be positive");
    }

    @Test
    void wrongTypeNamesKey() throws Exception {
        assertThatThrownBy(() -> ConfigYaml.load(yaml("n_epochs: ten\n"), PpoConfig.defaults()))
                .hasMessageContaining("key 'n_epochs'").hasMessageContaining("ten");
        assertThatThrownBy(() -> ConfigYaml.load(yaml("n_epochs: 2.5\n"), PpoConfig.defaults()))
                .hasMessageContaining("key 'n_epochs'");
        assertThatThrownBy(() -> ConfigYaml.load(yaml("norm_obs: 3\n"), PpoConfig.defaults()))
                .hasMessageContaining("key 'norm_obs'");
        assertThatThrownBy(() -> ConfigYaml.load(yaml("activation: sigmoid\n"), PpoConfig.defaults()))
                .hasMessageContaining("activation");
    }

    @Test
    void malformedAndMissingFilesAreClear() throws Exception {
        Path f = yaml("n_envs: [1,\n");
        assertThatThrownBy(() -> ConfigYaml.load(f, PpoConfig.defaults()))
                .hasMessageContaining(f.toString()).hasMessageContaining("YAML");
        assertThatThrownBy(() -> ConfigYaml.load(yaml("- 1\n- 2\n"), PpoConfig.defaults()))
                .hasMessageContaining("mapping");
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigYaml.load(missing, PpoConfig.defaults()))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("nope.yaml");
    }

    @Test
    void anEmptyConfigFileIsAnErrorNamingIt() throws Exception {
        for (String text : new String[] {"", "# only a comment\n", "\n\n"}) {
            Path f = yaml(text);
            assertThatThrownBy(() -> ConfigYaml.load(f, PpoConfig.defaults()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("empty");
        }
    }

    @Test
    void resolvedYamlRoundTrips() throws Exception {
        PpoConfig c = ConfigYaml.bind(Map.of("gamma", 0.999, "hidden_sizes", List.of(8), "target_kl", 0.01,
                "learning_rate", 7.77e-5), PpoConfig.defaults(), "test");
        PpoConfig back = ConfigYaml.load(yaml(ConfigYaml.toYaml(c)), PpoConfig.defaults());
        assertThat(back).isEqualTo(c);
        PpoConfig d = ConfigYaml.load(yaml(ConfigYaml.toYaml(PpoConfig.defaults())), PpoConfig.defaults().withEnvs(7));
        assertThat(d).isEqualTo(PpoConfig.defaults());
    }
}
