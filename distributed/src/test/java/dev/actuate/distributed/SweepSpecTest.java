package dev.actuate.distributed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SweepSpecTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void gridIsTheProductOfValuesTimesSeeds() throws Exception {
        write("base.yaml", "n_timesteps: 500\nbatch_size: 32\n");
        Path spec = write("s.yaml", """
                algo: sac
                env: Pendulum-v1
                config: base.yaml
                seeds: 3
                params:
                  learning_rate: [1.0e-3, 3.0e-4]
                  gamma: [0.9, 0.99]
                """);
        SweepSpec s = SweepSpec.load(spec);
        List<Trial> trials = s.trials();
        assertThat(s.configs()).hasSize(4);
        assertThat(trials).hasSize(12);
        assertThat(trials.get(0).name()).isEqualTo("c0-seed0");
        assertThat(trials.get(11).name()).isEqualTo("c3-seed2");
        assertThat(trials.get(11).overridesView()).isEqualTo(Map.of("learning_rate", 3.0e-4, "gamma", 0.99));
        // The shipped config is the base plus the overrides, readable by the trainer's binder.
        Map<String, Object> shipped = SweepSpec.readMapping(write("t.yaml", trials.get(11).configYaml()));
        assertThat(shipped).containsEntry("batch_size", 32).containsEntry("learning_rate", 3.0e-4)
                .containsEntry("gamma", 0.99).containsEntry("n_timesteps", 500);
        assertThat(trials).extracting(Trial::seed).containsExactly(0L, 1L, 2L, 0L, 1L, 2L, 0L, 1L, 2L, 0L, 1L, 2L);
    }

    @Test
    void randomSearchIsDrawnFromTheSearchSeed() throws Exception {
        String text = """
                algo: td3
                env: Pendulum-v1
                search: random
                trials: 5
                search_seed: %d
                params:
                  learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
                  batch_size: [64, 128]
                """;
        SweepSpec a = SweepSpec.load(write("a.yaml", text.formatted(7)));
        SweepSpec b = SweepSpec.load(write("b.yaml", text.formatted(7)));
        SweepSpec c = SweepSpec.load(write("c.yaml", text.formatted(8)));
        assertThat(a.configs()).hasSize(5).isEqualTo(b.configs()).isNotEqualTo(c.configs());
        for (Map<String, Object> m : a.configs()) {
            assertThat((Double) m.get("learning_rate")).isBetween(1e-4, 1e-2);
            assertThat(m.get("batch_size")).isIn(64, 128);
        }
    }

    @Test
    void badKeysFailBeforeAnyTrialNamingFileAndKey() throws Exception {
        Path unknownParam = write("p.yaml", "algo: ppo\nenv: Pendulum-v1\nparams:\n  learning_rat: [1.0e-3]\n");
        assertThatThrownBy(() -> SweepSpec.load(unknownParam)).hasMessageContaining("p.yaml")
                .hasMessageContaining("learning_rat");
        Path unknownKey = write("k.yaml", "algo: ppo\nenv: Pendulum-v1\nseed: 3\n");
        assertThatThrownBy(() -> SweepSpec.load(unknownKey)).hasMessageContaining("k.yaml")
                .hasMessageContaining("unknown key 'seed'");
        Path badValue = write("v.yaml", "algo: sac\nenv: Pendulum-v1\nparams:\n  batch_size: [-4]\n");
        assertThatThrownBy(() -> SweepSpec.load(badValue)).hasMessageContaining("v.yaml")
                .hasMessageContaining("batch_size");
        Path badEnv = write("e.yaml", "algo: sac\nenv: Nope-v0\n");
        assertThatThrownBy(() -> SweepSpec.load(badEnv)).hasMessageContaining("e.yaml").hasMessageContaining("env");
        Path dupSeeds = write("d.yaml", "algo: sac\nenv: Pendulum-v1\nseeds: [1, 1]\n");
        assertThatThrownBy(() -> SweepSpec.load(dupSeeds)).hasMessageContaining("listed twice");
    }

    @Test
    void threadsPerTrialIsOptionalAndPositive() throws Exception {
        SweepSpec unset = SweepSpec.load(write("u.yaml", "algo: sac\nenv: Pendulum-v1\nseeds: 2\n"));
        assertThat(unset.threadsPerTrial()).isNull();
        assertThat(unset.trials()).extracting(Trial::threads).containsOnlyNulls(); // the driver decides
        SweepSpec set = SweepSpec.load(write("t.yaml", "algo: sac\nenv: Pendulum-v1\nseeds: 2\nthreads_per_trial: 2\n"));
        assertThat(set.trials()).extracting(Trial::threads).containsExactly(2, 2);
        Path zero = write("z.yaml", "algo: sac\nenv: Pendulum-v1\nthreads_per_trial: 0\n");
        assertThatThrownBy(() -> SweepSpec.load(zero)).hasMessageContaining("z.yaml")
                .hasMessageContaining("threads_per_trial: must be positive");
        Path text = write("x.yaml", "algo: sac\nenv: Pendulum-v1\nthreads_per_trial: all\n");
        assertThatThrownBy(() -> SweepSpec.load(text)).hasMessageContaining("x.yaml")
                .hasMessageContaining("threads_per_trial: expected an integer");
    }

    @Test
    void theShippedSweepIsValid() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        SweepSpec s = SweepSpec.load(root.resolve("configs/sweeps/pendulum-sac.yaml"));
        assertThat(s.trials()).hasSize(4);
        assertThat(s.steps()).isEqualTo(3000L);
    }
}
