package dev.actuate.algo;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/** Reading back a training checkpoint to resume from, shared by every algorithm's {@code resume}. */
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
}
