package dev.actuate.cli;

import dev.actuate.train.RunDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** TRPO and A2C through the same surface as PPO: train, resume, eval, render, bench train. */
class OnPolicyCliTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"trpo", "a2c"})
    void trainsResumesEvaluatesRendersAndBenches(String algo) throws Exception {
        Path cfg = dir.resolve(algo + ".yaml");
        Files.writeString(cfg, "n_envs: 2\nn_steps: 32\nhidden_sizes: [8]\ncheckpoint_every: 1\n"
                + ("trpo".equals(algo) ? "batch_size: 32\nn_critic_updates: 2\ncg_max_steps: 5\n" : ""));
        Path out = dir.resolve("run-" + algo);
        assertThat(Actuate.run("train", "--algo", algo, "--env", "Pendulum-v1", "--config", cfg.toString(), "--steps",
                "128", "--seed", "3", "--out", out.toString(), "--quiet")).isZero();
        for (String f : new String[] {RunDir.CONFIG, RunDir.PROVENANCE, RunDir.METRICS, RunDir.CURVE, RunDir.CHECKPOINT,
                RunDir.MODEL}) {
            assertThat(out.resolve(f)).exists();
        }
        assertThat(Files.readAllLines(out.resolve(RunDir.METRICS))).hasSize(1 + 2);
        assertThat(Actuate.run("train", "--algo", algo, "--env", "Pendulum-v1", "--steps", "256", "--out",
                out.toString(), "--resume", "--quiet")).isZero();
        assertThat(Files.readAllLines(out.resolve(RunDir.METRICS))).hasSize(1 + 4);
        dev.actuate.policy.PolicyFile model = dev.actuate.policy.PolicyReader.read(out.resolve(RunDir.MODEL));
        assertThat(model.algorithm()).isEqualTo(algo);
        assertThat(model.provenance().get("global_step").asLong()).isEqualTo(256);
        assertThat(Actuate.run("eval", "--model", out.toString(), "--episodes", "1", "--seed", "5", "--json")).isZero();
        Path gif = dir.resolve(algo + ".gif");
        assertThat(Actuate.run("render", "--model", out.toString(), "--seed", "5", "--every", "50", "--width", "64", "--height", "64", "--out",
                gif.toString())).isZero();
        assertThat(gif).exists();
        assertThat(Actuate.run("bench", "train", "--algo", algo, "--env", "Pendulum-v1", "--config", cfg.toString(),
                "--seconds", "1", "--json")).isZero();
    }
}
