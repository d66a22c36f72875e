package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
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
        JsonNode o;
        try {
            o = JSON.readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not a JSON model card: " + e.getOriginalMessage(), e);
        }
        if (o == null || !o.isObject()) {
            throw new IOException(file + ": not a JSON object");
        }
        JsonNode wall = o.path("train_wall_s");
        return new ModelCard(text(file, o, "name"), text(file, o, "algo"), text(file, o, "env"),
                number(file, o, "seed").asLong(), number(file, o, "steps").asLong(),
                number(file, o, "mean_return").asDouble(), number(file, o, "std_return").asDouble(),
                number(file, o, "success_rate").asDouble(), number(file, o, "episodes").asInt(),
                number(file, o, "eval_seed").asLong(), text(file, o, "eval_command"),
                o.path("train_command").isTextual() ? o.get("train_command").asText() : null,
                wall.isNumber() ? wall.asDouble() : null,
                o.path("eval").isObject() ? (ObjectNode) o.get("eval") : null, o.path("config"), o.path("provenance"));
    }

    private static String text(Path file, JsonNode o, String field) throws IOException {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new IOException(file + ": field '" + field + "' is missing or not a string");
        }
        return v.asText();
    }

    private static JsonNode number(Path file, JsonNode o, String field) throws IOException {
        JsonNode v = o.get(field);
        if (v == null || !v.isNumber()) {
            throw new IOException(file + ": field '" + field + "' is missing or not a number");
        }
        return v;
    }
}
