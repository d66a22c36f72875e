package dev.actuate.cli;

import dev.actuate.train.Checkpoint;
import dev.actuate.train.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TrainCommandTest {
    @TempDir
    Path dir;

    private Path tinyConfig() throws Exception {
        Path f = dir.resolve("tiny.yaml");
        Files.writeString(f, "n_envs: 2\nn_steps: 32\nbatch_size: 32\nn_epochs: 1\nhidden_sizes: [8]\ncheckpoint_every: 1\n");
        return f;
    }

    @Test
    void trainsWritesTheRunDirectoryAndResumes() throws Exception {
        Path out = dir.resolve("run");
        String cfg = tinyConfig().toString();
        assertThat(Actuate.run("train", "--algo", "ppo", "--env", "Pendulum-v1", "--config", cfg, "--steps", "128",
                "--seed", "3", "--out", out.toString(), "--quiet")).isZero();
        for (String f : new String[] {RunDir.CONFIG, RunDir.PROVENANCE, RunDir.METRICS, RunDir.CURVE, RunDir.CHECKPOINT,
                RunDir.MODEL}) {
            assertThat(out.resolve(f)).exists();
        }
        assertThat(Files.readAllLines(out.resolve(RunDir.METRICS))).hasSize(1 + 2);
        assertThat(Files.readString(out.resolve(RunDir.CONFIG))).contains("n_steps: 32").contains("n_timesteps: 128");
        // A second run into the same directory is refused; --resume with more steps continues it.
        assertThat(Actuate.run("train", "--algo", "ppo", "--env", "Pendulum-v1", "--out", out.toString(), "--quiet"))
                .isEqualTo(2);
        assertThat(Actuate.run("train", "--algo", "ppo", "--env", "Pendulum-v1", "--steps", "256", "--out",
                out.toString(), "--resume", "--quiet")).isZero();
        assertThat(Files.readAllLines(out.resolve(RunDir.METRICS))).hasSize(1 + 4);
        assertThat(dev.actuate.policy.PolicyReader.read(out.resolve(RunDir.MODEL)).provenance().get("global_step").asLong()).isEqualTo(256);
    }

    @Test
    void badInputIsExitCodeTwo() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "gae_lamda: 0.9\n");
        assertThat(Actuate.run("train", "--algo", "ppo", "--env", "Pendulum-v1", "--config", bad.toString(),
                "--out", dir.resolve("x").toString(), "--quiet")).isEqualTo(2);
        assertThat(Actuate.run("train", "--algo", "a3c", "--env", "Pendulum-v1", "--quiet")).isEqualTo(2);
        assertThat(Actuate.run("train", "--algo", "ppo", "--env", "Nope-v0", "--quiet")).isEqualTo(2);
    }

    @Test
    void benchPrintsJsonLastLine() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Actuate.run("bench", "train", "--algo", "ppo", "--env", "Pendulum-v1", "--config",
                    tinyConfig().toString(), "--envs", "2", "--seconds", "0.2", "--json");
        } finally {
            System.setOut(old);
        }
        assertThat(rc).isZero();
        String[] lines = bytes.toString(StandardCharsets.UTF_8).trim().split("\n");
        String last = lines[lines.length - 1];
        assertThat(last).startsWith("{\"steps_per_sec\": ").contains("\"envs\": 2").endsWith("}");
        double rate = Double.parseDouble(last.replaceAll("^\\{\"steps_per_sec\": ([0-9.]+),.*$", "$1"));
        assertThat(rate).isGreaterThan(0);
    }
}
