package dev.actuate.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code actuate dtrain} on a real standalone cluster on 127.0.0.1 (a master and two workers, each its own JVM, one
 * one-core executor per worker): PPO's four rollouts of 4 envs x 32 steps on 2 workers complete only if every
 * partition's task comes back to the executor holding its envs after the first rollout (a task anywhere else
 * fails the run with "its envs were lost"), and the run equals the same dtrain on {@code local[2]} bit for bit.
 */
@Tag("cluster")
class DtrainClusterTest {
    @TempDir
    Path dir;

    private static JsonNode lastJson(CliRun r) throws Exception {
        String[] lines = r.out().strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    @Test
    void partitionsReturnToTheirExecutorsAndTheRunEqualsLocal2() throws Exception {
        Path cfg = dir.resolve("tiny.yaml");
        Files.writeString(cfg, "n_envs: 4\nn_steps: 32\nbatch_size: 32\nn_epochs: 2\nn_timesteps: 512\n"
                + "hidden_sizes: [16, 16]\n");
        Path local = dir.resolve("local");
        Path spread = dir.resolve("cluster-run");
        CliRun a = CliRun.run("dtrain", "--env", "Pendulum-v1", "--config", cfg.toString(), "--seed", "6", "--workers",
                "2", "--master", "local[2]", "--out", local.toString(), "--quiet", "--json");
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(lastJson(a).path("partition_executors").toString()).isEqualTo("[\"executor_127.0.0.1_driver\","
                + "\"executor_127.0.0.1_driver\"]");

        CliRun b;
        try (LoopbackCluster cluster = LoopbackCluster.start(Files.createDirectories(dir.resolve("cluster")), 2)) {
            // As a user passes Spark settings to the driver (docs/distributed.md: -Dspark.* in ACTUATE_JAVA_OPTS).
            Map<String, String> settings = cluster.driverSettings();
            settings.forEach(System::setProperty);
            try {
                b = CliRun.run("dtrain", "--env", "Pendulum-v1", "--config", cfg.toString(), "--seed", "6", "--workers",
                        "2", "--master", cluster.url(), "--out", spread.toString(), "--quiet", "--json");
            } finally {
                settings.keySet().forEach(System::clearProperty);
            }
        }
        assertThat(b.code()).as(b.err()).isZero();
        JsonNode j = lastJson(b);
        assertThat(j.path("iterations").asInt()).isEqualTo(4);
        // No task needed a second attempt: none was sent to an executor without its envs (Spark retries a failed
        // task, and a retry may land right by chance, so success alone would not show the placement).
        assertThat(j.path("retried_tasks").asInt()).isZero();
        // The first rollout spread the two partitions over the two executors; the later three came back to them.
        List<String> executors = new ArrayList<>();
        j.path("partition_executors").forEach(e -> executors.add(e.asText()));
        assertThat(executors).hasSize(2).doesNotHaveDuplicates()
                .allMatch(e -> e.startsWith("executor_127.0.0.1_") && !e.endsWith("_driver"));

        assertThat(SparkRolloutsTest.metricsWithoutTime(spread)).isEqualTo(SparkRolloutsTest.metricsWithoutTime(local))
                .hasSize(5);
        SparkRolloutsTest.assertSameLearner(local, spread);
    }
}
