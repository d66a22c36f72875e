package dev.actuate.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * One episode recorded from the Gymnasium reference (gzip JSON, format in the fixture directory's
 * README): every draw from the env's numpy generator, every action, observation, reward and flag.
 */
record RecordedEpisode(String name, String env, boolean enableWind, long seed, String policy,
                       List<Draw> resetDraws, double[] resetObs, List<Step> steps, double recordedReturn) {

    /** One numpy {@code Generator} call: method, positional arguments, {@code size} (0 if none), result. */
    record Draw(String call, double[] args, int size, double[] result) {
        String describe() {
            StringBuilder b = new StringBuilder(call).append('(');
            for (int i = 0; i < args.length; i++) {
                b.append(i == 0 ? "" : ", ").append(number(args[i]));
            }
            if (size > 0) {
                b.append(args.length == 0 ? "" : ", ").append("size=").append(size);
            }
            return b.append(')').toString();
        }

        static String number(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
    }

    record Step(double[] action, List<Draw> draws, double[] obs, double reward, boolean terminated,
                boolean truncated) {
    }

    /** Directory of the fixtures: {@code ../shared/fixtures/gymnasium-episodes} from the repository root. */
    static Path fixtureDir() {
        return fixtureDir(repoRoot());
    }

    static Path fixtureDir(Path root) {
        Path dir = root.resolve("../shared/fixtures/gymnasium-episodes").normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("recorded Gymnasium episodes not found at " + dir
                    + " (expected ../shared/fixtures/gymnasium-episodes beside the repository root " + root + ")");
        }
        return dir;
    }

    /** The repository root: the nearest directory at or above the working directory holding sim/pom.xml. */
    static Path repoRoot() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isRegularFile(q.resolve("sim/pom.xml"))) {
                return q;
            }
        }
        throw new IllegalStateException("repository root (a directory with sim/pom.xml) not found above " + p);
    }

    /** Every {@code *.json.gz} in the fixture directory, sorted by name; fails if there are none. */
    static List<Path> fixtures() {
        Path dir = fixtureDir();
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(f -> f.getFileName().toString().endsWith(".json.gz")).sorted().toList();
            if (files.isEmpty()) {
                throw new IllegalStateException("no *.json.gz episodes in " + dir);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    static RecordedEpisode load(Path file) {
        String name = file.getFileName().toString().replace(".json.gz", "");
        JsonNode root;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read recorded episode " + file, e);
        }
        try {
            List<Step> steps = new ArrayList<>();
            for (JsonNode s : required(root, "steps")) {
                steps.add(new Step(doubles(required(s, "action")), draws(required(s, "draws")),
                        doubles(required(s, "obs")), required(s, "reward").asDouble(),
                        required(s, "terminated").asBoolean(), required(s, "truncated").asBoolean()));
            }
            JsonNode kwargs = root.path("env_kwargs");
            return new RecordedEpisode(name, required(root, "env").asText(), kwargs.path("enable_wind").asBoolean(false),
                    required(root, "seed").asLong(), root.path("policy").asText(""),
                    draws(required(required(root, "reset"), "draws")), doubles(required(root, "reset_obs")),
                    List.copyOf(steps), required(root, "return").asDouble());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }

    private static List<Draw> draws(JsonNode arr) {
        List<Draw> out = new ArrayList<>();
        for (JsonNode d : arr) {
            JsonNode size = d.path("kwargs").path("size");
            int n = size.isArray() ? size.get(0).asInt() : size.asInt(0);
            JsonNode result = required(d, "result");
            out.add(new Draw(required(d, "call").asText(), doubles(d.path("args")), n,
                    result.isArray() ? doubles(result) : new double[] {result.asDouble()}));
        }
        return List.copyOf(out);
    }

    private static double[] doubles(JsonNode arr) {
        double[] out = new double[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asDouble();
        }
        return out;
    }
}
