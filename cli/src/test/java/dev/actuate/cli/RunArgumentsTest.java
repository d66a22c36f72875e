package dev.actuate.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code actuate run}'s argument checks: flags the loop cannot honour, and a policy for another env. */
class RunArgumentsTest {
    private static final Path LANDER_MODEL = Path.of("..", "models", "ppo-LunarLanderContinuous-v3.actuate");
    private static final Path ARM = Path.of("..", "configs", "robots", "arm.yaml");

    /** Exit code, stdout and stderr of one in-process command line. */
    private record Result(int rc, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int rc = Actuate.run(args);
            return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void badRateDurationAndEpisodesAreRejectedNamingTheFlag() {
        String[][] cases = {
                {"--rate", "-5"}, {"--rate", "NaN"}, {"--rate", "0"}, {"--rate", "Infinity"},
                {"--duration", "NaN"}, {"--duration", "1e12"}, {"--duration", "-1"}, {"--duration", "Infinity"},
                {"--episodes", "0"}, {"--episodes", "-1"}};
        for (String[] c : cases) {
            Result r = run("run", "--controller", "zero", "--env", "Pendulum-v1", c[0], c[1]);
            assertThat(r.rc()).as(String.join(" ", c)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", c)).contains(c[0] + " must").contains("got ");
        }
    }

    @Test
    void aPolicyForAnotherEnvIsRefusedUnlessOverriddenWithAWarning() {
        assertThat(Files.isRegularFile(LANDER_MODEL)).as(LANDER_MODEL + " (shipped model)").isTrue();
        // The lander's policy and the arm both have 8 states and 2 commands: sizes alone would let it drive.
        // Refused before any connection is tried (the broker here does not exist).
        Result r = run("run", "--model", LANDER_MODEL.toString(), "--robot", ARM.toString(), "--broker",
                "tcp://127.0.0.1:1", "--duration", "1");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("trained on LunarLanderContinuous-v3").contains("is PlanarArm-v0")
                .contains(LANDER_MODEL.toString()).contains(ARM.toString()).contains("--allow-env-mismatch");

        // The same check against an in-process env named by --env.
        r = run("run", "--model", LANDER_MODEL.toString(), "--env", "PlanarArm-v0", "--duration", "0.1");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("trained on LunarLanderContinuous-v3").contains("PlanarArm-v0");

        r = run("run", "--model", LANDER_MODEL.toString(), "--env", "PlanarArm-v0", "--duration", "0.1",
                "--allow-env-mismatch");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.err()).contains("WARNING").contains("trained on LunarLanderContinuous-v3")
                .contains("running anyway");

        // The model's own env runs without a word.
        r = run("run", "--model", LANDER_MODEL.toString(), "--duration", "0.1");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("WARNING");
    }
}
