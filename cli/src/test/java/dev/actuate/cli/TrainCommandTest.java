package dev.actuate.cli;

import dev.actuate.algo.Algorithm;
import dev.actuate.algo.Trainer;
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

    /** Runs the CLI, returning exit code and stderr. */
    private static Object[] runCapturingErr(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            int rc = Actuate.run(args);
            return new Object[] {rc, bytes.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void resumeRefusesAConflictingSeedAndKeepsTheCheckpointsOtherwise() throws Exception {
        Path out = dir.resolve("run");
        assertThat(Actuate.run("train", "--algo", "ppo", "--env", "Pendulum-v1", "--config", tinyConfig().toString(),
                "--steps", "64", "--seed", "3", "--out", out.toString(), "--quiet")).isZero();
        Object[] r = runCapturingErr("train", "--algo", "ppo", "--env", "Pendulum-v1", "--steps", "128", "--seed", "99",
                "--out", out.toString(), "--resume", "--quiet");
        assertThat(r[0]).isEqualTo(2);
        assertThat((String) r[1]).contains("--seed 99").contains("seed 3").contains(RunDir.CHECKPOINT);
        r = runCapturingErr("train", "--algo", "sac", "--env", "Pendulum-v1", "--out", out.toString(), "--resume");
        assertThat(r[0]).isEqualTo(2);
        assertThat((String) r[1]).contains("holds a ppo run on Pendulum-v1, not sac");
        assertThat(Actuate.run("train", "--algo", "ppo", "--env", "Pendulum-v1", "--steps", "128", "--seed", "3",
                "--out", out.toString(), "--resume", "--quiet")).isZero();
        assertThat(Checkpoint.read(out.resolve(RunDir.CHECKPOINT)).field("seed").asLong()).isEqualTo(3);
        // A complete run, or a total it has already passed, is said so rather than "trained" again.
        r = runCapturingErr("train", "--algo", "ppo", "--env", "Pendulum-v1", "--out", out.toString(), "--resume");
        assertThat(r[0]).isEqualTo(2);
        assertThat((String) r[1]).contains("the run is complete (128 steps)");
        r = runCapturingErr("train", "--algo", "ppo", "--env", "Pendulum-v1", "--out", out.toString(), "--resume",
                "--steps", "100");
        assertThat(r[0]).isEqualTo(2);
        assertThat((String) r[1]).contains("--steps 100 is not beyond").contains("already at step 128");
    }

    @Test
    void ppoStepsRoundUpToWholeRolloutsAndTheTrueTotalIsShown() throws Exception {
        Path out = dir.resolve("run");
        Object[] r = runCapturingErr("train", "--algo", "ppo", "--env", "Pendulum-v1", "--config",
                tinyConfig().toString(), "--steps", "100", "--out", out.toString());
        assertThat(r[0]).isEqualTo(0);
        String err = (String) r[1];
        assertThat(err).contains("whole rollouts of 64 steps").contains("100 steps round up to 128")
                .contains("128/128 steps").doesNotContain("/100 steps").contains("trained 128 steps");
        assertThat(TrainProcessTest.modelSteps(out.resolve(RunDir.MODEL))).isEqualTo(128);
    }

    @Test
    void anEmptyConfigFileIsRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        Object[] r = runCapturingErr("train", "--algo", "ppo", "--env", "Pendulum-v1", "--config", empty.toString(),
                "--out", dir.resolve("x").toString(), "--quiet");
        assertThat(r[0]).isEqualTo(2);
        assertThat((String) r[1]).contains(empty.toString()).contains("empty");
        assertThat(dir.resolve("x").resolve(RunDir.CONFIG)).doesNotExist();
    }

    @Test
    void offPolicyTrainingStopsWhenAskedWithACheckpointAtThatStep() throws Exception {
        Path cfg = Files.writeString(dir.resolve("sac.yaml"), "learning_starts: 50\nbatch_size: 16\n"
                + "hidden_sizes: [8]\nlog_interval: 50\ncheckpoint_every: 100\nbuffer_size: 5000\n");
        Path out = dir.resolve("sac");
        int[] polls = new int[1];
        Trainer.Outcome o = Algorithm.parse("sac").trainer().train(new Trainer.TrainRequest("Pendulum-v1", cfg, 1000L,
                2, null, out, false, true, () -> ++polls[0] >= 150));
        assertThat(o.finished()).isFalse();
        assertThat(o.globalStep()).isEqualTo(150);
        assertThat(Checkpoint.read(out.resolve(RunDir.CHECKPOINT)).field("global_step").asLong()).isEqualTo(150);
        assertThat(out.resolve(RunDir.MODEL)).doesNotExist();
        Trainer.Outcome rest = Algorithm.parse("sac").trainer().train(new Trainer.TrainRequest("Pendulum-v1", null,
                200L, 2, null, out, true, true, () -> false));
        assertThat(rest).isEqualTo(new Trainer.Outcome(200, 200, true, dev.actuate.nn.Lanes.defaultThreads(), 1));
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
