package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actuate.nn.Activation;
import dev.actuate.policy.PolicyFile;
import dev.actuate.runtime.LoadedModel;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Evaluation;
import dev.actuate.sim.Heuristics;
import dev.actuate.sim.wrappers.SimToReal;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** eval under sim-to-real perturbations, and run's warning when the loop rate is not the training rate. */
class SimToRealCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static synchronized String[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Actuate.run(args);
            return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void evalWithAnActionDelayMatchesTheDelayedEnv() throws Exception {
        String[] r = run("eval", "--env", "Pendulum-v1", "--controller", "heuristic", "--episodes", "3", "--seed", "5",
                "--action-delay", "1", "--observation-noise", "0.01", "--json");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        String[] lines = r[1].strip().split("\n");
        JsonNode j = JSON.readTree(lines[lines.length - 1]);
        SimToReal aids = new SimToReal(1, 0, List.of(0.01), 0, List.of());
        Evaluation.Result direct = Evaluation.run(aids.wrap(Envs.make("Pendulum-v1")), Heuristics.forEnv("Pendulum-v1"),
                3, 5);
        Evaluation.Result plain = Evaluation.run(Envs.make("Pendulum-v1"), Heuristics.forEnv("Pendulum-v1"), 3, 5);
        assertThat(j.get("mean_return").asDouble()).isCloseTo(direct.meanReturn(), within(1e-9));
        assertThat(direct.meanReturn()).isNotEqualTo(plain.meanReturn());
        assertThat(j.get("action_delay").asInt()).isEqualTo(1);
        assertThat(j.get("observation_noise").get(0).asDouble()).isEqualTo(0.01);
        assertThat(r[1]).contains("action delay 1");
    }

    @Test
    void rateWarningOnlyWhenTheLoopRateDiffersFromTheTrainingRate() {
        PolicyFile at20 = policy(0.05);
        assertThat(at20.rateWarning(20, "robot.yaml (rate_hz)")).isNull();
        String w = at20.rateWarning(50, "robot.yaml (rate_hz)");
        assertThat(w).contains("50 Hz").contains("robot.yaml (rate_hz)").contains("trained at 20 Hz")
                .contains("0.05 s").contains("Pendulum-v1");
        // 1/50 is not exact in binary; 50 Hz against a 0.02 s period is no mismatch.
        assertThat(policy(0.02).rateWarning(50, "--rate")).isNull();
        // Nothing recorded (format 1 files, envs without a time step): nothing to compare.
        assertThat(policy(Double.NaN).rateWarning(50, "--rate")).isNull();
        PolicyFile none = new PolicyFile(at20.envId(), at20.algorithm(), at20.observation(), at20.action(),
                at20.layers(), null);
        assertThat(none.rateWarning(50, "--rate")).isNull();
    }

    private static PolicyFile policy(double period) {
        return new PolicyFile("Pendulum-v1", "sac", new PolicyFile.Observation(3, null, null, null),
                new PolicyFile.Action(1, new double[] {-2}, new double[] {2}, null, null, LoadedModel.OutputMap.CLIP),
                List.of(new PolicyFile.Layer(3, 1, Activation.IDENTITY, new float[3], new float[1])), null,
                new PolicyFile.SimToReal(period, 0, 0, new double[0], 0, new double[] {0}));
    }
}
