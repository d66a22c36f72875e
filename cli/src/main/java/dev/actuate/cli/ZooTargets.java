package dev.actuate.cli;

import dev.actuate.sim.Envs;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The results report's targets ({@code configs/zoo-targets.yaml}): per (algorithm, env) cell the RL Zoo's
 * figure and step budget, or a success-rate goal for envs the Zoo does not have.
 *
 * <pre>
 * cells:
 *   - {algo: sac, env: Pendulum-v1, zoo_return: -157, steps: 20000}
 *   - {algo: ppo, env: PlanarArm-v0, success_rate: 0.95, steps: 500000}
 * </pre>
 */
record ZooTargets(List<Cell> cells) {
    private static final Set<String> KEYS = Set.of("algo", "env", "zoo_return", "steps", "success_rate");

    /**
     * One cell's target: {@code zoo_return} (the Zoo's mean return, null when it has none), {@code steps} (the
     * budget, null when none is given) and {@code successRate} (a goal on the evaluation's success rate, instead
     * of a return, null when the goal is the return).
     */
    record Cell(String algo, String env, Double zooReturn, Long steps, Double successRate) {
        /** The cell's name as run directories spell it: {@code <algo>-<env>}, a robot YAML by its file name. */
        String key() {
            return algo + "-" + Envs.fileName(env);
        }
    }

    ZooTargets {
        cells = List.copyOf(cells);
    }

    /** Reads and checks a targets file; every error names the file, the cell and the field. */
    static ZooTargets read(Path file) throws IOException {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        } catch (YAMLException e) {
            throw new IOException(file + ": not valid YAML: " + e.getMessage(), e);
        }
        if (!(doc instanceof Map<?, ?> root) || !(root.get("cells") instanceof List<?> list)) {
            throw new IOException(file + ": expected a 'cells:' list of {algo, env, zoo_return, steps, success_rate}");
        }
        List<Cell> cells = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String where = file + ": cells[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw new IOException(where + ": expected a map with algo and env");
            }
            for (Object k : m.keySet()) {
                if (!KEYS.contains(String.valueOf(k))) {
                    throw new IOException(where + ": unknown field '" + k + "' (known: algo, env, zoo_return, steps,"
                            + " success_rate)");
                }
            }
            Cell c = new Cell(text(m, "algo", where), text(m, "env", where), number(m, "zoo_return", where),
                    m.get("steps") == null ? null : number(m, "steps", where).longValue(),
                    number(m, "success_rate", where));
            if (c.zooReturn() != null && c.successRate() != null) {
                throw new IOException(where + ": give zoo_return or success_rate, not both");
            }
            if (c.successRate() != null && (c.successRate() < 0 || c.successRate() > 1)) {
                throw new IOException(where + ": success_rate must be in [0, 1], got " + c.successRate());
            }
            if (c.steps() != null && c.steps() <= 0) {
                throw new IOException(where + ": steps must be positive, got " + c.steps());
            }
            if (!seen.add(c.key())) {
                throw new IOException(where + ": cell " + c.key() + " is listed twice");
            }
            cells.add(c);
        }
        return new ZooTargets(cells);
    }

    private static String text(Map<?, ?> m, String field, String where) throws IOException {
        Object v = m.get(field);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IOException(where + ": field '" + field + "' is missing or not a string");
        }
        return s;
    }

    private static Double number(Map<?, ?> m, String field, String where) throws IOException {
        Object v = m.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n)) {
            throw new IOException(where + ": field '" + field + "' must be a number, got '" + v + "'");
        }
        return n.doubleValue();
    }
}
