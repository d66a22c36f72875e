package dev.actuate.cli;

import dev.actuate.io.AtomicFiles;
import dev.actuate.sim.Envs;
import dev.actuate.sim.robot.RobotDescription;
import dev.actuate.sim.robot.RobotDescriptionLoader;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Domain randomisation set by a training config: a {@code randomize:} list (as in a robot YAML) in
 * {@code configs/<algo>/<robot>.yaml}. The run directory gets {@code robot.yaml}, a variant of the
 * robot ({@code base:} + {@code randomize:}), and trains on it, so the policy names an env that
 * reproduces its training dynamics; the rest of the config goes to {@code training-config.yaml}.
 */
final class TrainingRandomization {
    static final String KEY = "randomize";

    /** The env and config to train with: unchanged unless the config randomises. */
    record Plan(String envId, Path config) {
    }

    private TrainingRandomization() {
    }

    static Plan apply(String envId, Path config, Path runDir) throws IOException {
        if (config == null) {
            return new Plan(envId, null);
        }
        Map<String, Object> doc;
        try {
            Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(config));
            if (!(o instanceof Map<?, ?> m) || !m.containsKey(KEY)) {
                return new Plan(envId, config);
            }
            doc = new LinkedHashMap<>();
            m.forEach((k, v) -> doc.put(String.valueOf(k), v));
        } catch (YAMLException e) {
            return new Plan(envId, config); // the trainer reports bad YAML, naming the file
        }
        RobotDescription robot = Envs.description(envId);
        if (robot == null) {
            throw new IllegalArgumentException(config + ": " + KEY + ": applies to robot descriptions (a robot YAML"
                    + " path as --env), not to " + envId);
        }
        Object list = doc.remove(KEY);
        // Validated here so that errors name the training config.
        RobotDescriptionLoader.randomization(list, config.toString(), robot.model());
        Files.createDirectories(runDir);
        Map<String, Object> variant = new LinkedHashMap<>();
        variant.put("base", Path.of(envId).toAbsolutePath().normalize().toString());
        variant.put(KEY, list);
        Path robotFile = runDir.resolve("robot.yaml");
        AtomicFiles.writeString(robotFile, "# Written by actuate train: " + envId + " with the randomisation of " + config
                + "\n" + dump(variant));
        Path rest = runDir.resolve("training-config.yaml");
        AtomicFiles.writeString(rest, "# " + config + " without " + KEY + " (it went to robot.yaml)\n" + dump(doc));
        RobotDescriptionLoader.load(robotFile);
        return new Plan(robotFile.toString(), rest);
    }

    private static String dump(Map<String, Object> m) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return m.isEmpty() ? "" : new Yaml(o).dump(m);
    }
}
