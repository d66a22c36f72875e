package dev.actuate.algo;

import dev.actuate.nn.Lanes;
import dev.actuate.train.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Trainer.TrainRequest#threads()}, what a sweep sets so concurrent trials share the cores, reaches the
 * trainers: off-policy runs use min(2, threads) learner threads, on-policy runs min(n_envs, threads) env
 * threads, and the run is the same bit for bit (the per-algorithm tests check 1 against 2 learner threads).
 */
class TrainerThreadsTest {
    @TempDir
    Path dir;

    private Trainer.Outcome train(String algo, Path config, long steps, Integer threads, String out) throws Exception {
        return Algorithm.parse(algo).trainer().train(new Trainer.TrainRequest("Pendulum-v1", config, steps, 3, null,
                dir.resolve(out), false, true, () -> false, threads));
    }

    @Test
    void offPolicyRunsUseAtMostTwoLearnerThreadsOfTheirShare() throws Exception {
        Path cfg = Files.writeString(dir.resolve("sac.yaml"), "learning_starts: 40\nbatch_size: 16\n"
                + "hidden_sizes: [8]\nbuffer_size: 500\nlog_interval: 20\n");
        Trainer.Outcome one = train("sac", cfg, 80, 1, "one");
        Trainer.Outcome five = train("sac", cfg, 80, 5, "five");
        Trainer.Outcome dflt = train("sac", cfg, 80, null, "default");
        assertThat(one.learnerThreads()).isEqualTo(1);
        assertThat(five.learnerThreads()).isEqualTo(2);
        assertThat(dflt.learnerThreads()).isEqualTo(Lanes.defaultThreads());
        assertThat(one.envThreads()).isEqualTo(1);
        assertThat(metrics("one")).isEqualTo(metrics("five")).hasSizeGreaterThan(2);
    }

    @Test
    void onPolicyRunsCapTheirEnvThreadsAtTheirShare() throws Exception {
        Path cfg = Files.writeString(dir.resolve("ppo.yaml"), "n_envs: 4\nn_steps: 32\nbatch_size: 64\nn_epochs: 1\n"
                + "hidden_sizes: [8]\n");
        Trainer.Outcome one = train("ppo", cfg, 256, 1, "one");
        Trainer.Outcome three = train("ppo", cfg, 256, 3, "three");
        Trainer.Outcome nine = train("ppo", cfg, 256, 9, "nine");
        assertThat(one.envThreads()).isEqualTo(1);
        assertThat(three.envThreads()).isEqualTo(3);
        assertThat(nine.envThreads()).isEqualTo(4); // never more threads than envs
        assertThat(one.learnerThreads()).isEqualTo(1);
        assertThat(metrics("one")).isEqualTo(metrics("three")).isEqualTo(metrics("nine")).hasSize(3);
    }

    @Test
    void aThreadCountBelowOneIsRefused() {
        assertThatThrownBy(() -> train("sac", null, 10, 0, "zero")).hasMessageContaining("threads must be positive");
    }

    /** The run's metrics.csv rows without their last column (steps_per_sec, a wall-clock figure). */
    private java.util.List<String> metrics(String run) throws Exception {
        return Files.readString(dir.resolve(run).resolve(RunDir.METRICS)).lines()
                .map(row -> row.substring(0, row.lastIndexOf(','))).toList();
    }
}
