package dev.actuate.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actuate.algo.Ppo;
import dev.actuate.algo.RolloutRequest;
import dev.actuate.algo.RolloutWorker;
import dev.actuate.sim.wrappers.SimToReal;
import dev.actuate.train.Checkpoint;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code actuate dtrain} on an embedded {@code local[2]} Spark against {@code actuate train} in this JVM: the same
 * tiny Pendulum PPO, TRPO or A2C (no observation normalisation), seed and envs. Rollouts are 32 steps and Pendulum's
 * episodes 200, so every episode crosses rollouts: the returns match only if each worker's envs live on in its
 * executor between iterations.
 */
class SparkRolloutsTest {
    private static final String CONFIG = "n_envs: 4\nn_steps: 32\nbatch_size: 32\nn_epochs: 2\nn_timesteps: 1024\n"
            + "hidden_sizes: [32, 32]\n";

    @TempDir
    Path dir;

    /** The metrics rows without the wall-clock columns (steps_per_sec, and TRPO's policy_update_ms). */
    static List<String> metricsWithoutTime(Path run) throws Exception {
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        return lines.stream().map(l -> {
            String[] f = l.split(",", -1);
            StringBuilder kept = new StringBuilder();
            for (int i = 0; i < f.length; i++) {
                if (!header.get(i).equals("steps_per_sec") && !header.get(i).endsWith("_ms")) {
                    kept.append(f[i]).append(',');
                }
            }
            return kept.toString();
        }).toList();
    }

    @Test
    void twoWorkersOnLocal2AreBitIdenticalToTheSingleProcessTrainer() throws Exception {
        Path cfg = dir.resolve("tiny.yaml");
        Files.writeString(cfg, CONFIG);
        Path single = dir.resolve("single");
        Path spread = dir.resolve("spread");
        CliRun a = CliRun.run("train", "--algo", "ppo", "--env", "Pendulum-v1", "--config", cfg.toString(), "--seed", "4",
                "--out", single.toString(), "--quiet");
        assertThat(a.code()).as(a.err()).isZero();
        CliRun b = CliRun.run("dtrain", "--env", "Pendulum-v1", "--config", cfg.toString(), "--seed", "4", "--workers", "2",
                "--master", "local[2]", "--out", spread.toString(), "--quiet", "--json");
        assertThat(b.code()).as(b.err()).isZero();

        // 8 iterations; 4 episodes end in the 7th (each env's first, at step 200).
        List<String> m = metricsWithoutTime(single);
        assertThat(m).hasSize(9);
        assertThat(m.get(7).split(",")[4]).isEqualTo("4");
        assertThat(metricsWithoutTime(spread)).isEqualTo(m);
        assertSameLearner(single, spread);

        // The cost of distribution, per iteration, in the run directory and the JSON line.
        List<String> timings = Files.readAllLines(spread.resolve(DtrainCommand.TIMINGS));
        assertThat(timings.get(0)).isEqualTo(
                "iteration,rollout_s,slowest_worker_s,slowest_worker_env_s,overhead_s,broadcast_s,request_bytes,result_bytes");
        assertThat(timings).hasSize(9);
        for (String row : timings.subList(1, 9)) {
            String[] f = row.split(",");
            double rollout = Double.parseDouble(f[1]);
            double worker = Double.parseDouble(f[2]);
            assertThat(worker).isPositive().isLessThanOrEqualTo(rollout);
            assertThat(Double.parseDouble(f[3])).isPositive().isLessThanOrEqualTo(worker);
            assertThat(Double.parseDouble(f[4])).isEqualTo(Double.parseDouble(String.format(java.util.Locale.ROOT,
                    "%.6f", rollout - worker)), org.assertj.core.data.Offset.offset(2e-6));
            // 3->32->32->1 value and 3->32->32->1 mean networks, one log-std: (128+1056+33)*2 + 1 floats.
            assertThat(Long.parseLong(f[6])).isEqualTo(4L * (2 * (128 + 1056 + 33) + 1));
            // 128 env steps: obs (3 floats), action, log-prob, value, reward (doubles), two flags; 4 last values;
            // plus whatever episodes ended (4 doubles each) and truncations (3 floats each).
            long base = 128 * (3 * 4 + 4 * 8 + 2) + 4 * 8;
            long extra = Long.parseLong(f[7]) - base;
            assertThat(extra % 4).isZero();
            assertThat(extra).isBetween(0L, 4L * (4 * 8 + 3 * 4));
        }
        String[] lines = b.out().strip().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(j.path("steps").asLong()).isEqualTo(1024);
        assertThat(j.path("iterations").asInt()).isEqualTo(8);
        assertThat(j.path("overhead_ms_median").asDouble()).isGreaterThanOrEqualTo(0);
    }

    /**
     * TRPO and A2C roll out on PPO's engine with their own update: two workers on local[2] give the single-process
     * run's metrics (timing column aside) and learner state bit for bit. A2C explores by gSDE here (exploration
     * matrices redrawn every 4 steps), TRPO by plain Gaussian noise.
     */
    @ParameterizedTest
    @ValueSource(strings = {"trpo", "a2c"})
    void trpoAndA2cOnLocal2AreBitIdenticalToTheSingleProcessTrainer(String algo) throws Exception {
        Path cfg = dir.resolve(algo + ".yaml");
        Files.writeString(cfg, "n_envs: 4\nn_steps: 32\nn_timesteps: 1024\nhidden_sizes: [16, 16]\n"
                + ("trpo".equals(algo) ? "batch_size: 32\nn_critic_updates: 3\ncg_max_steps: 5\n"
                        : "use_sde: true\nsde_sample_freq: 4\n"));
        Path single = dir.resolve("single-" + algo);
        Path spread = dir.resolve("spread-" + algo);
        CliRun a = CliRun.run("train", "--algo", algo, "--env", "Pendulum-v1", "--config", cfg.toString(), "--seed", "2",
                "--out", single.toString(), "--quiet");
        assertThat(a.code()).as(a.err()).isZero();
        CliRun b = CliRun.run("dtrain", "--algo", algo, "--env", "Pendulum-v1", "--config", cfg.toString(), "--seed",
                "2", "--rollout-workers", "2", "--out", spread.toString(), "--quiet", "--json"); // train's name for it
        assertThat(b.code()).as(b.err()).isZero();

        List<String> m = metricsWithoutTime(single);
        assertThat(m).hasSize(9);
        assertThat(m.get(7).split(",")[4]).isEqualTo("4"); // each env's first episode ends in the 7th rollout
        assertThat(metricsWithoutTime(spread)).isEqualTo(m);
        assertSameLearner(single, spread);
        String[] lines = b.out().strip().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(j.path("algo").asText()).isEqualTo(algo);
        assertThat(j.path("iterations").asInt()).isEqualTo(8);
    }

    /**
     * Every learner array of the two runs' checkpoints (networks, optimiser states, statistics; not the envs',
     * which a dtrain driver never steps) and the generator, bit for bit.
     */
    static void assertSameLearner(Path single, Path spread) throws Exception {
        Checkpoint x = Checkpoint.read(single.resolve("checkpoint.actuate"));
        Checkpoint y = Checkpoint.read(spread.resolve("checkpoint.actuate"));
        List<String> arrays = x.floatNames().stream().filter(n -> !n.startsWith("env.")).sorted().toList();
        assertThat(arrays).contains(Ppo.POLICY_MEAN, "value");
        assertThat(y.floatNames().stream().filter(n -> !n.startsWith("env.")).sorted().toList()).isEqualTo(arrays);
        for (String array : arrays) {
            assertThat(y.floats(array, -1)).as(array).isEqualTo(x.floats(array, -1));
        }
        assertThat(y.field("rng_state").asLong()).isEqualTo(x.field("rng_state").asLong());
        assertThat(y.has("sde_matrices")).isEqualTo(x.has("sde_matrices"));
        if (x.has("sde_matrices")) {
            assertThat(y.doubles("sde_matrices", -1)).isEqualTo(x.doubles("sde_matrices", -1));
        }
    }

    /**
     * A rollout task that runs where its worker's envs are not (on a cluster: their executor died, or the task was
     * sent elsewhere) fails the run by name, in one line, rather than starting fresh envs. Simulated on local[2]
     * by asking for a later iteration of workers that never ran the first.
     */
    @Test
    void aTaskWithoutItsEnvsFailsTheRunByName() {
        RolloutWorker.Setup setup = new RolloutWorker.Setup(4, 8, List.of(8), "tanh", false, 10.0, SimToReal.NONE, false, -1,
                true, false);
        RolloutRequest second = new RolloutRequest(1, new float[0], new float[0], new float[0], null, null, 0, 0);
        try (JavaSparkContext sc = new JavaSparkContext(SparkRollouts.conf(SparkTrials.conf("local[2]", "lost envs")))) {
            SparkRollouts rollouts = new SparkRollouts(sc, setup, "Pendulum-v1", 0, 2);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> rollouts.apply(second));
            assertThat(e.getMessage()).startsWith("rollout worker ").contains("iteration 1")
                    .contains("its envs were lost").endsWith("the run cannot go on with other envs").doesNotContain("\n");
            assertThat(rollouts.timings()).isEmpty();
        }
    }

    @Test
    void badOptionsAreOneClearLine() throws Exception {
        Path cfg = dir.resolve("tiny.yaml");
        Files.writeString(cfg, CONFIG);
        CliRun r = CliRun.run("dtrain", "--env", "Pendulum-v1", "--config", cfg.toString(), "--workers", "3",
                "--out", dir.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--workers 3").contains("n_envs 4").contains("tiny.yaml");
        assertThat(dir.resolve("o")).doesNotExist();

        r = CliRun.run("dtrain", "--algo", "sac", "--env", "Pendulum-v1", "--workers", "2");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--algo sac").contains("ppo, trpo, a2c");

    }
}
