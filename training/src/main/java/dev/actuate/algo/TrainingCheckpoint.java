package dev.actuate.algo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.sim.EnvSnapshot;
import dev.actuate.sim.VectorEnv;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Reading back a training checkpoint to resume from, shared by every algorithm's {@code resume}, and the env
 * states that PPO's engine (one per env) and the off-policy {@link Collector} (its one env) write into it.
 */
final class TrainingCheckpoint {
    private TrainingCheckpoint() {
    }

    /** Reads {@code file} and checks it is a training checkpoint of {@code algorithm}. */
    static Checkpoint read(Path file, String algorithm) throws IOException {
        Checkpoint cp = Checkpoint.read(file);
        String kind = cp.field("kind").asText();
        String algo = cp.field("algorithm").asText();
        if (!"checkpoint".equals(kind) || !algorithm.equals(algo)) {
            String name = algorithm.toUpperCase(Locale.ROOT);
            throw new IOException(file + ": not " + ("AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name
                    + " training checkpoint (kind " + kind + ", algorithm " + algo + ")");
        }
        return cp;
    }

    /**
     * The checkpoint's config bound over {@code defaults}, with {@code nTimesteps} replaced when
     * {@code totalSteps} is non-null.
     */
    static <R extends Record> R config(Checkpoint cp, Path file, R defaults, Long totalSteps,
                                       BiFunction<R, Long, R> withTimesteps) throws IOException {
        Map<String, Object> values = Checkpoint.json().convertValue(cp.field("config"),
                new TypeReference<Map<String, Object>>() { });
        R cfg = ConfigYaml.bind(values, defaults, file.toString());
        return totalSteps != null ? withTimesteps.apply(cfg, totalSteps) : cfg;
    }

    /**
     * Puts one env's state: its generator state at the last reset, the episode's return and length so far and the
     * count of actions since the reset into {@code node}, the actions themselves and the current observation as
     * arrays {@code <prefix>actions} and {@code <prefix>observation}. Replaying the actions from the reset rebuilds
     * the env exactly ({@link EnvSnapshot}).
     */
    static void putEnvState(Checkpoint cp, ObjectNode node, String prefix, VectorEnv.EnvState s, int actDim) {
        node.put("rng_state_at_reset", s.snapshot().rngStateAtReset());
        node.put("episode_return", s.episodeReturn());
        node.put("episode_length", s.episodeLength());
        List<double[]> actions = s.snapshot().actions();
        node.put("actions", actions.size());
        double[] flat = new double[actions.size() * actDim];
        for (int i = 0; i < actions.size(); i++) {
            System.arraycopy(actions.get(i), 0, flat, i * actDim, actDim);
        }
        cp.put(prefix + "actions", flat);
        cp.put(prefix + "observation", s.observation());
    }

    /** Reads back what {@link #putEnvState} wrote. */
    static VectorEnv.EnvState envState(Checkpoint cp, JsonNode node, String prefix, int obsDim, int actDim)
            throws IOException {
        int count = node.get("actions").asInt();
        double[] flat = cp.doubles(prefix + "actions", count * actDim);
        List<double[]> actions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            actions.add(Arrays.copyOfRange(flat, i * actDim, (i + 1) * actDim));
        }
        return new VectorEnv.EnvState(new EnvSnapshot(node.get("rng_state_at_reset").asLong(), actions),
                cp.doubles(prefix + "observation", obsDim), node.get("episode_return").asDouble(),
                node.get("episode_length").asInt());
    }
}
