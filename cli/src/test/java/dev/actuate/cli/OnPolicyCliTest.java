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
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertThat(Actuate.run("bench", "train", "--algo", algo, "--env", "Pendulum-v1", "--config", cfg.toString(),
                    "--seconds", "1", "--json")).isZero();
        } finally {
            System.setOut(old);
        }
        String[] lines = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).trim().split("\n");
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(lines[lines.length - 1]);
        assertThat(json.path("steps_per_sec").asDouble()).isPositive();
        if ("trpo".equals(algo)) {
            // The update's cost: CG capped at cg_max_steps, one more product for the step size, the whole
            // 64-row rollout in the policy step, and one PPO epoch on the same rollout to compare with.
            assertThat(json.path("cg_iterations").asInt()).isBetween(1, 5);
            assertThat(json.path("fvp_calls").asInt()).isEqualTo(json.path("cg_iterations").asInt() + 1);
            assertThat(json.path("policy_batch").asInt()).isEqualTo(64);
            assertThat(json.path("ppo_epoch_ms").asDouble()).isPositive();
            assertThat(json.path("policy_update_ms").asDouble()).isPositive()
                    .isLessThanOrEqualTo(json.path("update_ms").asDouble() + 1e-9);
        }
    }
}
