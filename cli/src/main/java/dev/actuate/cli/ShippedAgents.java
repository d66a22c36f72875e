package dev.actuate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The shipped agents: {@code models/<name>.actuate} with its card {@code models/<name>.card.json}, where
 * {@code models/} is the clone's (found as {@link DefaultConfigs} finds {@code configs/}). Wherever a command
 * takes {@code --model}, a name that is not an existing path is looked up here.
 */
public final class ShippedAgents {
    /** The clone's directory of shipped agents, relative to its root. */
    static final Path MODELS = Path.of("models");
    static final String EXTENSION = ".actuate";
    /** Names are file stems: no separators, nothing a shell or a file system would trip over. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private ShippedAgents() {
    }

    /** The clone's {@code models/} directory, or null when there is none. */
    static Path modelsDir() {
        return DefaultConfigs.findDir(MODELS);
    }

    /** Whether {@code name} can name a shipped agent. */
    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.endsWith(EXTENSION);
    }

    /** The policy file of the shipped agent {@code name}, or null when none is shipped under that name. */
    static Path find(String name) {
        Path dir = modelsDir();
        if (!validName(name) || dir == null) {
            return null;
        }
        Path file = dir.resolve(name + EXTENSION);
        return Files.isRegularFile(file) ? file : null;
    }

    /** The card of the shipped agent {@code name}, or null when it has none. */
    static ModelCard card(String name) throws IOException {
        Path model = find(name);
        if (model == null) {
            return null;
        }
        Path card = model.resolveSibling(name + ModelCard.SUFFIX);
        return Files.isRegularFile(card) ? ModelCard.read(card) : null;
    }

    /** The names of the agents in {@code dir}, sorted. */
    static List<String> names(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return names;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(EXTENSION) && !n.startsWith("."))
                    .map(n -> n.substring(0, n.length() - EXTENSION.length())).sorted().forEach(names::add);
        }
        return names;
    }

    /**
     * {@code --model}'s file: {@code model} itself when it exists, else the shipped agent of that name; neither
     * is an error naming the shipped agents.
     */
    static Path resolveModel(Path model) throws IOException {
        if (Files.exists(model)) {
            return model;
        }
        Path shipped = find(model.toString());
        if (shipped != null) {
            return shipped;
        }
        Path dir = modelsDir();
        List<String> names = names(dir);
        throw new IOException(model + ": no model file or run directory there (it does not exist), and no shipped agent has that name ("
                + (names.isEmpty() ? "no agents are shipped" + (dir == null ? ": no models/ directory found" : " in " + dir)
                : "shipped: " + String.join(", ", names) + "; `actuate zoo` lists them") + ")");
    }

    /**
     * The env a shipped agent runs on when {@code --env} is not given: its card's, with a robot YAML path found
     * from the clone's root as configs are; null when {@code model} is not a shipped agent's name or it has no
     * card.
     */
    static String cardEnv(Path model) throws IOException {
        if (Files.exists(model)) {
            return null;
        }
        ModelCard card = card(model.toString());
        if (card == null) {
            return null;
        }
        return locateEnvFile(card.env());
    }

    /** An env id as is; a robot YAML path that is not there from here is looked up from the clone's root. */
    static String locateEnvFile(String env) {
        if (env != null && (env.endsWith(".yaml") || env.endsWith(".yml")) && !Files.isRegularFile(Path.of(env))) {
            Path found = DefaultConfigs.findFile(Path.of(env));
            if (found != null) {
                return found.toString();
            }
        }
        return env;
    }
}
