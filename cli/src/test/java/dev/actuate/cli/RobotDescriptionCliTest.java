package dev.actuate.cli;

import dev.actuate.policy.PolicyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A robot YAML path works where an env id does: train, eval (with --hold), and the policy records its signals. */
class RobotDescriptionCliTest {
    static final String CARTPOLE = Path.of("..", "configs", "robots", "cartpole.yaml").toString();

    @TempDir
    Path dir;

    @Test
    void trainsAndEvaluatesADescribedRobot() throws Exception {
        Path run = dir.resolve("run");
        assertThat(Actuate.run("train", "--algo", "sac", "--env", CARTPOLE, "--steps", "300", "--out", run.toString(),
                "--quiet")).isZero();
        PolicyFile p = ModelControllers.readPolicy(run.resolve("model.actuate"));
        assertThat(p.envId()).isEqualTo(CARTPOLE);
        assertThat(p.observation().names()).containsExactly("cart/position", "cart/velocity", "pole/cos", "pole/sin",
                "pole/velocity");
        assertThat(p.observation().units()).containsExactly("m", "m/s", "1", "1", "rad/s");
        assertThat(p.action().names()).containsExactly("cart/force");
        String out = RunCommandTest.capture(() -> Actuate.run("eval", "--model", run.resolve("model.actuate").toString(),
                "--episodes", "2", "--hold", "100", "--json"));
        String json = out.substring(out.lastIndexOf('{'));
        // 300 steps of training cannot swing the pole up: nothing is held at the end.
        assertThat(json).contains("\"episodes\":2").contains("\"mean_length\":500.0").contains("\"hold_steps\":100")
                .contains("\"held_rate\":0.0");
    }

    @Test
    void robotTakesItsIdFromARobotYamlAndOtherwiseNeedsOne() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(Actuate.run("robot", "--env", "Pendulum-v1")).isEqualTo(2);
        } finally {
            System.setErr(old);
        }
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("--id is required");
        assertThat(dev.actuate.hw.robot.RobotOptions.defaultRateHz(Path.of("..", "configs", "robots", "balancer.yaml").toString())).isEqualTo(100.0);
        assertThat(dev.actuate.hw.robot.RobotOptions.defaultRateHz("Pendulum-v1")).isEqualTo(20.0);
    }

    @Test
    void theShippedCartPolePolicyHoldsThePoleUpFromHanging() {
        String model = Path.of("..", "models", "sac-cartpole.actuate").toString();
        String out = RunCommandTest.capture(() -> Actuate.run("eval", "--model", model, "--env", CARTPOLE,
                "--episodes", "100", "--seed", "0", "--hold", "100", "--json"));
        com.fasterxml.jackson.databind.JsonNode j;
        try {
            j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.substring(out.lastIndexOf('{')));
        } catch (java.io.IOException e) {
            throw new AssertionError(out, e);
        }
        // The goal: within 12 degrees of upright over the last 100 steps in at least 95 of 100 episodes.
        assertThat(j.get("held_rate").asDouble()).isGreaterThanOrEqualTo(0.95);
        assertThat(j.get("mean_length").asDouble()).isEqualTo(500.0);
    }

    @Test
    void aTrainingConfigCanRandomiseTheRobotsDynamics() throws Exception {
        Path cfg = dir.resolve("cartpole-dr.yaml");
        java.nio.file.Files.writeString(cfg, "hidden_sizes: [16, 16]\nlearning_starts: 100\nrandomize:\n"
                + "  - {param: mass, bodies: [pole], scale: [0.5, 2.0]}\n  - {param: motor, scale: [0.8, 1.0]}\n");
        Path run = dir.resolve("run-dr");
        assertThat(Actuate.run("train", "--algo", "sac", "--env", CARTPOLE, "--config", cfg.toString(), "--steps", "200",
                "--out", run.toString(), "--quiet")).isZero();
        Path variant = run.resolve("robot.yaml");
        dev.actuate.sim.robot.RobotDescription d = dev.actuate.sim.robot.RobotDescriptionLoader.load(variant);
        assertThat(d.randomization().entries()).hasSize(2);
        assertThat(d.randomization().entries().get(1).targets()).containsExactly("cart", "pole");
        assertThat(ModelControllers.readPolicy(run.resolve("model.actuate")).envId()).isEqualTo(variant.toString());
        assertThat(java.nio.file.Files.readString(run.resolve("config.yaml"))).contains("hidden_sizes").doesNotContain("randomize");

        java.nio.file.Files.writeString(cfg, "randomize:\n  - {param: mass, bodies: [poll], scale: [0.5, 2.0]}\n");
        String err = captureErr(() -> Actuate.run("train", "--algo", "sac", "--env", CARTPOLE, "--config", cfg.toString(),
                "--steps", "10", "--out", dir.resolve("bad").toString(), "--quiet"));
        assertThat(err).contains(cfg + ": randomize[0].bodies[0]: references missing body 'poll'");
        err = captureErr(() -> Actuate.run("train", "--algo", "sac", "--env", "Pendulum-v1", "--config", cfg.toString(),
                "--steps", "10", "--out", dir.resolve("bad2").toString(), "--quiet"));
        assertThat(err).contains("randomize: applies to robot descriptions");
    }

    private static String captureErr(Runnable r) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            r.run();
        } finally {
            System.setErr(old);
        }
        return err.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
