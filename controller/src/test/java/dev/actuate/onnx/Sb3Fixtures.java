package dev.actuate.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SB3 ONNX interop fixtures in {@code ../shared/fixtures/sb3-onnx} beside the repository (CI keeps a
 * copy of shared/ next to the clone). Missing fixtures fail the test: they are the reference data.
 */
final class Sb3Fixtures {
    static final String PPO = "sb3-ppo-Pendulum-v1";
    static final String SAC = "sb3-sac-LunarLanderContinuous-v3";

    private Sb3Fixtures() {
    }

    static Path dir() {
        Path root = repoRoot();
        Path dir = root.resolve("../shared/fixtures/sb3-onnx").normalize();
        if (!Files.isDirectory(dir)) {
            throw new AssertionError("SB3 ONNX fixtures missing: expected " + dir
                    + " (shared/ must sit beside the repository, as in CI)");
        }
        return dir;
    }

    static Path onnx(String name) {
        return dir().resolve(name + ".onnx");
    }

    static Path json(String name) {
        return dir().resolve(name + ".json");
    }

    static JsonNode data(String name) throws IOException {
        return new ObjectMapper().readTree(json(name).toFile());
    }

    static float[][] floats(JsonNode rows) {
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[rows.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = (float) rows.get(i).get(j).asDouble();
            }
        }
        return out;
    }

    static double[] doubles(JsonNode row) {
        double[] d = new double[row.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = row.get(i).asDouble();
        }
        return d;
    }

    /** The repository root: the nearest directory up from the working directory holding DEVELOPERS.md. */
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("DEVELOPERS.md"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("cannot find the repository root (DEVELOPERS.md) above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
