package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actuate.train.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code actuate ship}, {@code actuate zoo}, the shipped agents' cards and {@code --model <name>}. */
class ShippedAgentsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static JsonNode lastJson(String out) throws Exception {
        String[] lines = out.trim().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static String run(int expectedRc, String... args) {
        int[] rc = new int[1];
        String out = RunCommandTest.capture(() -> rc[0] = Actuate.run(args));
        assertThat(rc[0]).as(String.join(" ", args) + "\n" + out).isEqualTo(expectedRc);
        return out;
    }

    @Test
    void shipATrainedRunAndListItWithZoo() throws Exception {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, "learning_starts: 50\nbatch_size: 16\nhidden_sizes: [8, 8]\nlog_interval: 100\n"
                + "checkpoint_every: 100\nbuffer_size: 5000\n");
        Path runDir = dir.resolve("runs/sac-Pendulum-v1-s1");
        String[] train = {"train", "--algo", "sac", "--env", "Pendulum-v1", "--config", config.toString(), "--steps",
                "300", "--seed", "1", "--out", runDir.toString(), "--quiet"};
        run(0, train);
        String evalLine = lastJsonLine(run(0, "eval", "--model", runDir.toString(), "--episodes", "3", "--seed", "1000",
                "--json"));
        Files.writeString(runDir.resolve("eval.json"), evalLine + "\n");
        Files.writeString(runDir.resolve("train.json"), "{\"wall_s\": 12.5, \"command\": \"actuate "
                + String.join(" ", train) + "\"}\n");
        JsonNode eval = JSON.readTree(evalLine);

        Path models = dir.resolve("models");
        String name = "sac-Pendulum-v1";
        run(0, "ship", runDir.toString(), "--name", name, "--models", models.toString());
        assertThat(Files.readAllBytes(models.resolve(name + ".actuate")))
                .isEqualTo(Files.readAllBytes(runDir.resolve(RunDir.MODEL)));

        JsonNode card = JSON.readTree(models.resolve(name + ".card.json").toFile());
        List<String> keys = new ArrayList<>();
        card.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsSubsequence("name", "algo", "env", "seed", "steps", "mean_return", "std_return",
                "success_rate", "episodes", "eval_seed", "eval_command", "train_command", "config", "provenance");
        assertThat(card.get("algo").asText()).isEqualTo("sac");
        assertThat(card.get("env").asText()).isEqualTo("Pendulum-v1");
        assertThat(card.get("seed").asLong()).isEqualTo(1);
        assertThat(card.get("steps").asLong()).isEqualTo(300);
        assertThat(card.get("eval_seed").asLong()).isEqualTo(1000);
        assertThat(card.get("eval_command").asText())
                .isEqualTo("actuate eval --model sac-Pendulum-v1 --episodes 3 --seed 1000 --json");
        assertThat(card.get("train_command").asText()).isEqualTo("actuate " + String.join(" ", train));
        assertThat(card.get("train_wall_s").asDouble()).isEqualTo(12.5);
        assertThat(card.get("config").get("hidden_sizes").toString()).isEqualTo("[8,8]");
        assertThat(card.get("config").get("n_timesteps")).isNotNull();
        assertThat(card.get("provenance")).isEqualTo(JSON.readTree(runDir.resolve(RunDir.PROVENANCE).toFile()));

        JsonNode zoo = lastJson(run(0, "zoo", "--models", models.toString(), "--json"));
        assertThat(zoo.get("agents")).hasSize(1);
        JsonNode agent = zoo.get("agents").get(0);
        assertThat(agent.get("name").asText()).isEqualTo(name);
        assertThat(agent.get("algo").asText()).isEqualTo("sac");
        assertThat(agent.get("env").asText()).isEqualTo("Pendulum-v1");
        assertThat(agent.get("steps").asLong()).isEqualTo(300);
        assertThat(agent.get("mean_return").asDouble()).isEqualTo(eval.get("mean_return").asDouble());
        assertThat(agent.get("std_return").asDouble()).isEqualTo(eval.get("std_return").asDouble());

        // The shipped file reproduces the card's evaluation.
        JsonNode again = lastJson(run(0, "eval", "--model", models.resolve(name + ".actuate").toString(),
                "--episodes", "3", "--seed", "1000", "--json"));
        assertThat(again.get("mean_return").asDouble()).isEqualTo(card.get("mean_return").asDouble());

        // A second ship under the same name needs --force; a bad name is refused.
        String err = ConvertCommandTest.captureErr(() -> run(2, "ship", runDir.toString(), "--name", name, "--models",
                models.toString()));
        assertThat(err).contains("already shipped").contains("--force");
        run(0, "ship", runDir.toString(), "--name", name, "--models", models.toString(), "--force");
        err = ConvertCommandTest.captureErr(() -> run(2, "ship", runDir.toString(), "--name", "../x", "--models",
                models.toString()));
        assertThat(err).contains("--name '../x'");
        // Without an evaluation there is nothing to put on the card.
        Files.delete(runDir.resolve("eval.json"));
        err = ConvertCommandTest.captureErr(() -> run(2, "ship", runDir.toString(), "--name", "other", "--models",
                models.toString()));
        assertThat(err).contains("eval.json").contains("no evaluation");
    }

    private static String lastJsonLine(String out) {
        String[] lines = out.trim().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void everyShippedModelHasACardThatZooLists() throws Exception {
        JsonNode zoo = lastJson(run(0, "zoo", "--json"));
        List<String> names = new ArrayList<>();
        for (JsonNode a : zoo.get("agents")) {
            names.add(a.get("name").asText());
            assertThat(a.get("card").asBoolean()).as(a.get("name").asText()).isTrue();
        }
        assertThat(names).contains("ppo-LunarLanderContinuous-v3", "sac-cartpole", "sac-cartpole-randomized").isSorted();
        try (var s = Files.list(ROOT.resolve("models"))) {
            assertThat(s.filter(p -> p.toString().endsWith(".actuate")).count()).isEqualTo(names.size());
        }
    }

    @Test
    void aShippedAgentsNameWorksAsModelWithTheCardsEnv() throws Exception {
        // Tests run in cli/, where neither models/ nor configs/ is: both are found from the clone's root.
        JsonNode byName = lastJson(run(0, "eval", "--model", "sac-cartpole", "--episodes", "2", "--seed", "0", "--json"));
        JsonNode byPath = lastJson(run(0, "eval", "--model", ROOT.resolve("models/sac-cartpole.actuate").toString(),
                "--env", ROOT.resolve("configs/robots/cartpole.yaml").toString(), "--episodes", "2", "--seed", "0",
                "--json"));
        assertThat(byName.get("env").asText()).endsWith("configs/robots/cartpole.yaml");
        assertThat(byName.get("mean_return").asDouble()).isEqualTo(byPath.get("mean_return").asDouble());
        assertThat(byName.get("episodes").asInt()).isEqualTo(2);

        Path onnx = dir.resolve("cartpole.onnx");
        run(0, "export", "--model", "sac-cartpole", "--format", "onnx", "--out", onnx.toString());
        assertThat(onnx).isNotEmptyFile();
        Path gif = dir.resolve("lander.gif");
        run(0, "render", "--model", "ppo-LunarLanderContinuous-v3", "--seed", "1", "--every", "50", "--width", "120",
                "--height", "80", "--out", gif.toString());
        assertThat(gif).isNotEmptyFile();
    }

    @Test
    void anUnknownNameIsAClearErrorListingTheShippedAgents() {
        for (String[] args : new String[][] {{"eval", "--model", "no-such-agent", "--episodes", "1"},
                {"run", "--model", "no-such-agent", "--env", "Pendulum-v1", "--duration", "0.1"},
                {"export", "--model", "no-such-agent", "--format", "onnx", "--out", dir.resolve("x.onnx").toString()}}) {
            String err = ConvertCommandTest.captureErr(() -> run(2, args));
            assertThat(err).as(args[0]).contains("no-such-agent").contains("no shipped agent has that name")
                    .contains(shippedNames());
        }
    }

    /** The clone's shipped agents as the error lists them: card names, sorted, comma-separated. */
    private static String shippedNames() {
        try (var files = java.nio.file.Files.list(ROOT.resolve("models"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".card.json"))
                    .map(n -> n.substring(0, n.length() - ".card.json".length())).sorted()
                    .collect(java.util.stream.Collectors.joining(", "));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
