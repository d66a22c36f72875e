package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actuate.onnx.OnnxCodec;
import dev.actuate.onnx.OnnxExport;
import dev.actuate.onnx.OnnxModel;
import dev.actuate.runtime.LoadedModel;
import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * ONNX through the command line: models trained by every algorithm exported and run by ONNX Runtime and
 * by {@code predict}; SB3's fixtures through {@code predict}, {@code eval} and {@code run}.
 */
class OnnxCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** stdout and stderr of one command, and its exit code. */
    private record Out(int rc, String stdout, String stderr) {
        JsonNode lastJson() throws Exception {
            String[] lines = stdout.strip().split("\n");
            return JSON.readTree(lines[lines.length - 1]);
        }
    }

    private static Out actuate(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            rc = Actuate.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Out(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path train(String algo) throws Exception {
        Path cfg = dir.resolve(algo + ".yaml");
        Path out = dir.resolve(algo + "-run");
        if (algo.equals("ppo")) {
            // Normalised observations, so the export's Sub/Mul/Clip are exercised with real statistics.
            Files.writeString(cfg, "n_steps: 64\nbatch_size: 64\nn_epochs: 1\nhidden_sizes: [16, 16]\nnorm_obs: true\n"
                    + "learning_rate: 0.01\n");
            assertThat(Actuate.run("train", "--algo", algo, "--env", "Pendulum-v1", "--config", cfg.toString(), "--envs",
                    "2", "--steps", "256", "--seed", "3", "--out", out.toString(), "--quiet")).isZero();
        } else {
            Files.writeString(cfg, "learning_starts: 50\nbatch_size: 16\nhidden_sizes: [16, 16]\nlog_interval: 100\n"
                    + "checkpoint_every: 1000\nbuffer_size: 5000\nlearning_rate: 0.01\n");
            assertThat(Actuate.run("train", "--algo", algo, "--env", "Pendulum-v1", "--config", cfg.toString(), "--steps",
                    "300", "--seed", "3", "--out", out.toString(), "--quiet")).isZero();
        }
        return out;
    }

    @Test
    void everyAlgorithmExportsAPolicyThatOnnxRuntimeAndPredictAgreeWith() throws Exception {
        Rng rng = new Rng(5);
        float[][] obs = new float[100][3];
        StringBuilder jsonl = new StringBuilder();
        for (float[] o : obs) {
            double th = rng.uniform(-Math.PI, Math.PI);
            o[0] = (float) Math.cos(th);
            o[1] = (float) Math.sin(th);
            o[2] = (float) rng.uniform(-12, 12); // beyond Pendulum's 8 rad/s: the normaliser's clip acts for PPO
            jsonl.append('[').append(o[0]).append(", ").append(o[1]).append(", ").append(o[2]).append("]\n");
        }
        Path input = dir.resolve("obs.jsonl");
        Files.writeString(input, jsonl);
        for (String algo : new String[] {"ppo", "sac", "td3", "ddpg"}) {
            Path run = train(algo);
            Path onnx = dir.resolve(algo + ".onnx");
            Out export = actuate("export", "--model", run.toString(), "--format", "onnx", "--out", onnx.toString());
            assertThat(export.rc()).as(export.stderr()).isZero();
            assertThat(export.stdout()).contains("opset 13").contains("Pendulum-v1");
            OnnxModel m = OnnxCodec.read(onnx);
            assertThat(m.metadata()).containsEntry(OnnxExport.ENV_KEY, "Pendulum-v1");

            LoadedModel model = ModelControllers.loadModel(run);
            float[][] ort = dev.actuate.onnx.OrtAccess.run(Files.readAllBytes(onnx), obs);
            JsonNode fromOnnx = actuate("predict", "--model", onnx.toString(), "--input", input.toString(), "--json")
                    .lastJson().get("actions");
            JsonNode fromModel = actuate("predict", "--model", run.toString(), "--input", input.toString(), "--json")
                    .lastJson().get("actions");
            assertThat(fromOnnx.size()).isEqualTo(obs.length);
            float[] a = new float[1];
            double spread = 0;
            for (int i = 0; i < obs.length; i++) {
                model.act(obs[i], a);
                assertThat((double) ort[i][0]).as("%s obs %d: ONNX Runtime", algo, i).isCloseTo(a[0], within(1e-5));
                assertThat(fromOnnx.get(i).get(0).asDouble()).as("%s obs %d: predict .onnx", algo, i)
                        .isCloseTo(a[0], within(1e-5));
                assertThat(fromModel.get(i).get(0).asDouble()).as("%s obs %d: predict model", algo, i)
                        .isCloseTo(a[0], within(1e-6));
                spread = Math.max(spread, Math.abs(a[0]));
            }
            assertThat(spread).as(algo + ": the policy is not trivially zero").isGreaterThan(1e-3);

            // eval reads the env from the export's metadata; same seeds, same policy, same returns.
            JsonNode viaOnnx = actuate("eval", "--model", onnx.toString(), "--episodes", "2", "--seed", "4", "--json").lastJson();
            JsonNode viaModel = actuate("eval", "--model", run.toString(), "--episodes", "2", "--seed", "4", "--json").lastJson();
            assertThat(viaOnnx.get("env").asText()).isEqualTo("Pendulum-v1");
            assertThat(viaOnnx.get("mean_return").asDouble()).as(algo)
                    .isCloseTo(viaModel.get("mean_return").asDouble(), within(1e-2));
        }
    }

    @Test
    void predictReproducesSb3OnItsFixtures() throws Exception {
        Path fixtures = fixtures();
        for (String[] c : new String[][] {{"sb3-sac-LunarLanderContinuous-v3", "LunarLanderContinuous-v3", "rescale-tanh"},
                {"sb3-ppo-Pendulum-v1", "Pendulum-v1", "clip"}}) {
            JsonNode d = JSON.readTree(fixtures.resolve(c[0] + ".json").toFile());
            // The SAC observations as JSON lines, PPO's as CSV with a header.
            Path input = dir.resolve(c[0] + (c[2].equals("clip") ? ".csv" : ".jsonl"));
            List<String> lines = new ArrayList<>();
            if (c[2].equals("clip")) {
                lines.add("cos,sin,thdot");
            }
            for (JsonNode row : d.get("observations")) {
                StringJoiner j = new StringJoiner(",");
                row.forEach(v -> j.add(v.asText()));
                lines.add(c[2].equals("clip") ? j.toString() : "[" + j + "]");
            }
            Files.write(input, lines);
            String model = fixtures.resolve(c[0] + ".onnx").toString();
            Out raw = actuate("predict", "--model", model, "--input", input.toString(), "--json");
            assertThat(raw.rc()).as(raw.stderr()).isZero();
            Out mapped = actuate("predict", "--model", model, "--input", input.toString(), "--action-mapping", c[2],
                    "--env", c[1], "--json");
            assertThat(mapped.rc()).as(mapped.stderr()).isZero();
            assertClose(raw.lastJson().get("actions"), d.get("onnx_action"), c[0] + " raw");
            assertClose(mapped.lastJson().get("actions"), d.get("sb3_predict"), c[0] + " mapped");
        }
    }

    @Test
    void robotConfigGivesTheBounds() throws Exception {
        // The lander robot with other command limits: rescale-tanh maps onto them, not the env's [-1, 1].
        String yaml = Files.readString(dev.actuate.onnx.OrtAccess.repoRoot().resolve("configs/robots/lander.yaml"))
                .replace("{name: engine/main, unit: \"\", min: -1, max: 1}", "{name: engine/main, unit: \"\", min: -2, max: 2}")
                .replace("{name: engine/lateral, unit: \"\", min: -1, max: 1}", "{name: engine/lateral, unit: \"\", min: 0, max: 1}");
        assertThat(yaml).contains("min: -2, max: 2").contains("min: 0, max: 1");
        Path robot = dir.resolve("lander-wide.yaml");
        Files.writeString(robot, yaml);
        JsonNode d = JSON.readTree(fixtures().resolve("sb3-sac-LunarLanderContinuous-v3.json").toFile());
        List<String> lines = new ArrayList<>();
        for (JsonNode row : d.get("observations")) {
            lines.add(row.toString());
        }
        Path input = dir.resolve("obs.jsonl");
        Files.write(input, lines);
        Out out = actuate("predict", "--model", fixtures().resolve("sb3-sac-LunarLanderContinuous-v3.onnx").toString(),
                "--input", input.toString(), "--action-mapping", "rescale-tanh", "--robot", robot.toString(), "--json");
        assertThat(out.rc()).as(out.stderr()).isZero();
        JsonNode actions = out.lastJson().get("actions");
        for (int i = 0; i < actions.size(); i++) {
            double a0 = d.get("onnx_action").get(i).get(0).asDouble();
            double a1 = d.get("onnx_action").get(i).get(1).asDouble();
            assertThat(actions.get(i).get(0).asDouble()).isCloseTo(2 * a0, within(1e-5));
            assertThat(actions.get(i).get(1).asDouble()).isCloseTo(0.5 * (a1 + 1), within(1e-5));
        }
    }

    @Test
    void evalRunAndRenderAnSb3Policy() throws Exception {
        String sac = fixtures().resolve("sb3-sac-LunarLanderContinuous-v3.onnx").toString();
        Out eval = actuate("eval", "--model", sac, "--env", "LunarLanderContinuous-v3", "--action-mapping",
                "rescale-tanh", "--episodes", "5", "--seed", "0", "--json");
        assertThat(eval.rc()).as(eval.stderr()).isZero();
        JsonNode r = eval.lastJson();
        assertThat(r.get("episodes").asInt()).isEqualTo(5);
        assertThat(r.get("mean_return").isNumber()).isTrue();
        assertThat(actuate("eval", "--model", sac, "--env", "LunarLanderContinuous-v3", "--action-mapping",
                "rescale-tanh", "--episodes", "5", "--seed", "0", "--json").lastJson().get("mean_return").asDouble())
                .as("same seeds, same returns").isEqualTo(r.get("mean_return").asDouble());

        Out run = actuate("run", "--model", sac, "--env", "LunarLanderContinuous-v3", "--action-mapping", "rescale-tanh",
                "--episodes", "1", "--duration", "0", "--rate", "2000");
        assertThat(run.rc()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("episodes 1, mean return").contains("stopped: MAX_EPISODES");

        Path gif = dir.resolve("sac.gif");
        Out render = actuate("render", "--model", sac, "--env", "LunarLanderContinuous-v3", "--action-mapping",
                "rescale-tanh", "--seed", "0", "--out", gif.toString(), "--every", "25", "--width", "120", "--height", "80");
        assertThat(render.rc()).as(render.stderr()).isZero();
        assertThat(Files.size(gif)).isGreaterThan(100);
    }

    @Test
    void badOnnxInvocationsAreClearErrors() throws Exception {
        String sac = fixtures().resolve("sb3-sac-LunarLanderContinuous-v3.onnx").toString();
        Out noMapping = actuate("eval", "--model", sac, "--env", "LunarLanderContinuous-v3", "--episodes", "1");
        assertThat(noMapping.rc()).isEqualTo(2);
        assertThat(noMapping.stderr()).contains("--action-mapping is required").contains("rescale-tanh");
        Out noEnv = actuate("eval", "--model", sac, "--action-mapping", "clip");
        assertThat(noEnv.rc()).isEqualTo(2);
        assertThat(noEnv.stderr()).contains("--env is required");
        Out wrongEnv = actuate("eval", "--model", sac, "--env", "Pendulum-v1", "--action-mapping", "clip");
        assertThat(wrongEnv.rc()).isEqualTo(2);
        assertThat(wrongEnv.stderr()).contains("8 observations").contains("3 observations");
        Out badOutput = actuate("eval", "--model", sac, "--env", "LunarLanderContinuous-v3", "--action-mapping", "clip",
                "--onnx-output", "value");
        assertThat(badOutput.stderr()).contains("no graph output 'value'");
        Path input = dir.resolve("bad.jsonl");
        Files.writeString(input, "[0, 1, 2, 3, 4, 5, 6, 7]\n[1, 2]\n");
        Out shortRow = actuate("predict", "--model", sac, "--input", input.toString());
        assertThat(shortRow.rc()).isEqualTo(2);
        assertThat(shortRow.stderr()).contains("bad.jsonl").contains("observation 2 has 2 values");
        Files.writeString(input, "[0, 1, 2, 3, 4, 5, 6, \"x\"]\n");
        assertThat(actuate("predict", "--model", sac, "--input", input.toString()).stderr())
                .contains("bad.jsonl line 1").contains("not a number");
        Files.writeString(input, "[0, 1, 2, 3, 4, 5, 6, 7]\n");
        Out noBounds = actuate("predict", "--model", sac, "--input", input.toString(), "--action-mapping", "clip");
        assertThat(noBounds.stderr()).contains("--env or --robot");
    }

    private static void assertClose(JsonNode actual, JsonNode expected, String what) {
        assertThat(actual.size()).as(what).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            for (int j = 0; j < expected.get(i).size(); j++) {
                assertThat(actual.get(i).get(j).asDouble()).as("%s row %d action %d", what, i, j)
                        .isCloseTo(expected.get(i).get(j).asDouble(), within(1e-5));
            }
        }
    }

    private static Path fixtures() {
        return dev.actuate.onnx.OrtAccess.fixtures();
    }
}
