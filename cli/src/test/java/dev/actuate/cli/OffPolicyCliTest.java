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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code actuate train|eval|bench train} for SAC, TD3 and DDPG through the CLI. */
class OffPolicyCliTest {
    @TempDir
    Path dir;

    private Path tinyConfig(String algo) throws Exception {
        Path f = dir.resolve(algo + ".yaml");
        Files.writeString(f, "learning_starts: 50\nbatch_size: 16\nhidden_sizes: [8, 8]\nlog_interval: 100\n"
                + "checkpoint_every: 100\nbuffer_size: 5000\n");
        return f;
    }

    private static String capture(Runnable body) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(old);
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).trim().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void everyOffPolicyAlgorithmTrainsResumesAndEvaluates() throws Exception {
        for (String algo : new String[] {"sac", "td3", "ddpg"}) {
            Path out = dir.resolve(algo + "-run");
            assertThat(Actuate.run("train", "--algo", algo, "--env", "Pendulum-v1", "--config",
                    tinyConfig(algo).toString(), "--steps", "200", "--seed", "1", "--out", out.toString(), "--quiet"))
                    .as(algo).isZero();
            for (String f : new String[] {RunDir.CONFIG, RunDir.PROVENANCE, RunDir.METRICS, RunDir.CURVE,
                    RunDir.CHECKPOINT, RunDir.MODEL}) {
                assertThat(out.resolve(f)).as(algo + " " + f).exists();
            }
            assertThat(replayFiles(out)).containsExactly(RunDir.CHECKPOINT + ".replay-200.bin");
            assertThat(Files.readAllLines(out.resolve(RunDir.METRICS))).hasSize(1 + 2);
            assertThat(Actuate.run("train", "--algo", algo, "--env", "Pendulum-v1", "--steps", "300", "--out",
                    out.toString(), "--resume", "--quiet")).as(algo).isZero();
            assertThat(dev.actuate.policy.PolicyReader.read(out.resolve(RunDir.MODEL)).provenance().get("global_step").asLong()).isEqualTo(300);
            assertThat(replayFiles(out)).containsExactly(RunDir.CHECKPOINT + ".replay-300.bin");
            assertThat(Files.readAllLines(out.resolve(RunDir.METRICS))).hasSize(1 + 3);
            String json = capture(() -> assertThat(Actuate.run("eval", "--model", out.toString(), "--episodes", "2",
                    "--json")).isZero());
            assertThat(json).startsWith("{").contains("mean_return");
        }
    }

    private static String[] replayFiles(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".replay-")).sorted()
                    .toArray(String[]::new);
        }
    }

    @Test
    void moreThanOneEnvIsRefused() throws Exception {
        assertThat(Actuate.run("train", "--algo", "sac", "--env", "Pendulum-v1", "--envs", "4", "--out",
                dir.resolve("x").toString(), "--quiet")).isEqualTo(2);
    }

    @Test
    void benchPrintsStepsPerSecondAsLastJsonLine() {
        String last = capture(() -> assertThat(Actuate.run("bench", "train", "--algo", "ddpg", "--env", "Pendulum-v1",
                "--seconds", "0.2", "--json")).isZero());
        assertThat(last).startsWith("{\"steps_per_sec\": ").contains("\"algo\": \"ddpg\"").endsWith("}");
        assertThat(last).contains("\"hidden_sizes\": [400,300]"); // configs/ddpg/Pendulum-v1.yaml's networks
        double rate = Double.parseDouble(last.replaceAll("^\\{\"steps_per_sec\": ([0-9.]+),.*$", "$1"));
        assertThat(rate).isGreaterThan(0);
        // The config's networks unless --net overrides them, and the learner threads, are reported.
        String net = capture(() -> assertThat(Actuate.run("bench", "train", "--algo", "sac", "--env", "Pendulum-v1",
                "--seconds", "0.2", "--net", "32,32", "--learner-threads", "1", "--json")).isZero());
        assertThat(net).contains("\"algo\": \"sac\"", "\"hidden_sizes\": [32,32]", "\"batch_size\": 256",
                "\"learner_threads\": 1");
        assertThat(Actuate.run("bench", "train", "--algo", "td3", "--env", "Pendulum-v1", "--seconds", "0.2",
                "--net", "0,32")).isNotZero();
    }
}
