package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actuate.sim.EnvSpec;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Evaluation;
import dev.actuate.sim.Heuristics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The envs, eval, render and bench sim commands, run in-process with stdout captured. */
class SimCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {
        JsonNode lastJson() throws Exception {
            String[] lines = out.strip().split("\n");
            return JSON.readTree(lines[lines.length - 1]);
        }
    }

    private static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Actuate.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void evalPendulumJsonMatchesADirectEvaluation() throws Exception {
        Run r = run("eval", "--env", "Pendulum-v1", "--controller", "heuristic", "--episodes", "3", "--seed", "5", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.lastJson();
        Evaluation.Result direct = Evaluation.run(Envs.make("Pendulum-v1"), Heuristics.forEnv("Pendulum-v1"), 3, 5);
        assertThat(j.get("episodes").asInt()).isEqualTo(3);
        assertThat(j.get("mean_return").asDouble()).isCloseTo(direct.meanReturn(), within(1e-9));
        assertThat(j.get("std_return").asDouble()).isCloseTo(direct.stdReturn(), within(1e-9));
        assertThat(j.get("success_rate").asDouble()).isEqualTo(direct.successRate(-200));
        assertThat(j.get("mean_length").asDouble()).isEqualTo(200.0);
        assertThat(r.out()).contains("±");
    }

    @Test
    void evalPerEpisodeListsEachSeedsEpisode() throws Exception {
        Run r = run("eval", "--env", "Pendulum-v1", "--controller", "heuristic", "--episodes", "3", "--seed", "5",
                "--per-episode", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.lastJson();
        assertThat(j.get("episode_returns").size()).isEqualTo(3);
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            // Episode i is the one-episode evaluation from seed 5 + i.
            Evaluation.Result one = Evaluation.run(Envs.make("Pendulum-v1"), Heuristics.forEnv("Pendulum-v1"), 1, 5 + i);
            assertThat(j.get("episode_returns").get(i).asDouble()).isEqualTo(one.returns()[0]);
            assertThat(j.get("episode_lengths").get(i).asInt()).isEqualTo(200);
            sum += j.get("episode_returns").get(i).asDouble();
        }
        assertThat(j.get("mean_return").asDouble()).isCloseTo(sum / 3, within(1e-9));
        assertThat(r.out()).containsPattern("episode +seed +return +length");
        // The text table stays aligned when the seeds grow a digit: every row as long as the header.
        Run wide = run("eval", "--env", "Pendulum-v1", "--controller", "heuristic", "--episodes", "3", "--seed",
                "99998", "--per-episode");
        List<String> table = wide.out().lines().dropWhile(l -> !l.trim().startsWith("episode ")).toList();
        assertThat(table).hasSize(4);
        assertThat(table).allSatisfy(l -> assertThat(l).hasSameSizeAs(table.get(0)));
        assertThat(table.get(3)).contains("100000");
        assertThat(run("eval", "--env", "Pendulum-v1", "--controller", "heuristic", "--episodes", "1", "--json")
                .lastJson().has("episode_returns")).isFalse();
    }

    @Test
    void evalMountainCarHeuristicSucceedsEveryEpisode() throws Exception {
        Run r = run("eval", "--env", "MountainCarContinuous-v0", "--episodes", "4", "--seed", "0", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.lastJson();
        assertThat(j.get("success_rate").asDouble()).isEqualTo(1.0);
        assertThat(j.get("mean_return").asDouble()).isGreaterThan(90);
        assertThat(j.get("mean_length").asDouble()).isLessThan(999);
    }

    @Test
    void randomControllerIsSeeded() throws Exception {
        Run a = run("eval", "--env", "Pendulum-v1", "--controller", "random", "--episodes", "2", "--seed", "1", "--json");
        Run b = run("eval", "--env", "Pendulum-v1", "--controller", "random", "--episodes", "2", "--seed", "1", "--json");
        assertThat(a.lastJson().get("mean_return").asDouble()).isEqualTo(b.lastJson().get("mean_return").asDouble());
    }

    @Test
    void badInputIsOneClearLine() {
        Run unknown = run("eval", "--env", "Nope-v1");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Nope-v1").contains("Pendulum-v1");
        Run controller = run("eval", "--env", "Pendulum-v1", "--controller", "magic");
        assertThat(controller.code()).isEqualTo(2);
        assertThat(controller.err()).contains("--controller");
        Run noEnv = run("eval");
        assertThat(noEnv.code()).isEqualTo(2);
        assertThat(noEnv.err()).contains("--env");
    }

    @Test
    void envsListsEveryRegisteredEnv() throws Exception {
        Run r = run("envs", "--json");
        assertThat(r.code()).isZero();
        JsonNode list = r.lastJson().get("envs");
        assertThat(list.size()).isEqualTo(Envs.specs().size());
        for (EnvSpec s : Envs.specs()) {
            assertThat(list.findValuesAsText("id")).contains(s.id());
        }
        assertThat(list.get(0).get("obs_dim").asInt()).isEqualTo(3);
        Run table = run("envs");
        assertThat(table.out()).contains("MountainCarContinuous-v0").contains("999");
    }

    @Test
    void renderWritesAGif(@TempDir Path dir) throws Exception {
        Path gif = dir.resolve("car.gif");
        Run r = run("render", "--env", "MountainCarContinuous-v0", "--controller", "heuristic", "--seed", "2",
                "--out", gif.toString(), "--every", "10", "--width", "300", "--height", "200");
        assertThat(r.code()).as(r.err()).isZero();
        byte[] head = Files.readAllBytes(gif);
        assertThat(new String(head, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
        assertThat(r.out()).contains("terminated");
    }

    @Test
    void benchSimPrintsJson() throws Exception {
        Run r = run("bench", "sim", "--json", "--seconds", "0.05", "--env", "Pendulum-v1", "--threads", "2", "--num-envs", "4");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.lastJson();
        assertThat(j.get("envs").get(0).get("env").asText()).isEqualTo("Pendulum-v1");
        assertThat(j.get("envs").get(0).get("steps_per_sec").asDouble()).isPositive();
        assertThat(j.get("vector").get(0).get("threads").asInt()).isEqualTo(2);
    }
}
