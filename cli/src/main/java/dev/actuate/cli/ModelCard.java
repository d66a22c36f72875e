package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A shipped agent's card, {@code models/<name>.card.json} beside {@code models/<name>.actuate}: what it is
 * (algorithm, env, seed, steps trained), how well it does (the deterministic policy's evaluation, with the
 * command that reproduces it) and where it came from (the training command, config and provenance).
 *
 * @param env         the env id or robot YAML the agent runs on when {@code --env} is not given
 * @param eval        the evaluation's JSON line as {@code actuate eval --json} printed it
 * @param trainWallS  training wall-clock seconds, null when not recorded
 * @param config      the resolved training config
 * @param provenance  as {@code actuate train} wrote it ({@code provenance.json}, or the policy file's)
 */
public record ModelCard(String name, String algo, String env, long seed, long steps, double meanReturn,
                        double stdReturn, double successRate, int episodes, long evalSeed, String evalCommand,
                        String trainCommand, Double trainWallS, ObjectNode eval, JsonNode config,
                        JsonNode provenance) {
    /** The card's file name suffix, after the agent's name. */
    public static final String SUFFIX = ".card.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ModelCard {
        eval = eval == null ? JsonNodeFactory.instance.objectNode() : eval.deepCopy();
    }

    /** The card as JSON, keys in a fixed order. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", name).put("algo", algo).put("env", env).put("seed", seed).put("steps", steps)
                .put("mean_return", meanReturn).put("std_return", stdReturn).put("success_rate", successRate)
                .put("episodes", episodes).put("eval_seed", evalSeed).put("eval_command", evalCommand)
                .put("train_command", trainCommand).put("train_wall_s", trainWallS);
        o.set("eval", eval);
        o.set("config", config);
        o.set("provenance", provenance);
        return o;
    }

    /** Writes the card atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, JSON.writeValueAsString(toJson()) + "\n");
    }

    /** Reads a card; a missing or mistyped field is named with the file. */
    public static ModelCard read(Path file) throws IOException {
        JsonNode o = JsonFiles.readObject(file);
        JsonNode wall = o.path("train_wall_s");
        return new ModelCard(JsonFiles.text(file, o, "name"), JsonFiles.text(file, o, "algo"), JsonFiles.text(file, o, "env"),
                JsonFiles.number(file, o, "seed").asLong(), JsonFiles.number(file, o, "steps").asLong(),
                JsonFiles.number(file, o, "mean_return").asDouble(), JsonFiles.number(file, o, "std_return").asDouble(),
                JsonFiles.number(file, o, "success_rate").asDouble(), JsonFiles.number(file, o, "episodes").asInt(),
                JsonFiles.number(file, o, "eval_seed").asLong(), JsonFiles.text(file, o, "eval_command"),
                o.path("train_command").isTextual() ? o.get("train_command").asText() : null,
                wall.isNumber() ? wall.asDouble() : null,
                o.path("eval").isObject() ? (ObjectNode) o.get("eval") : null, o.path("config"), o.path("provenance"));
    }
}
