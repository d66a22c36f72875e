package dev.actuate.algo;

import dev.actuate.sim.EnvSpec;
import dev.actuate.sim.Envs;
import dev.actuate.train.ConfigYaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The repository's per-algorithm configs ({@code configs/<algorithm>/<env-id>.yaml}) for the config tests. */
final class ConfigFiles {
    private ConfigFiles() {
    }

    /** {@code configs/<algorithm>}, from the module directory (Maven) or the repository root. */
    static Path dir(String algorithm) {
        Path p = Path.of("..", "configs");
        return (Files.isDirectory(p) ? p : Path.of("configs")).resolve(algorithm);
    }

    /** The config file of {@code algorithm} for {@code envId}, which must exist, loaded (and so validated). */
    static <R extends Record> R load(String algorithm, String envId, R defaults) throws IOException {
        Path f = dir(algorithm).resolve(envId + ".yaml");
        assertThat(f).as("%s config for %s", algorithm, envId).exists();
        return ConfigYaml.load(f, defaults);
    }

    /** Every registered env has a config for {@code algorithm} that loads and validates. */
    static <R extends Record> void assertEveryEnvHasOne(String algorithm, R defaults) throws IOException {
        for (EnvSpec spec : Envs.specs()) {
            assertThat(load(algorithm, spec.id(), defaults)).as("%s config for %s", algorithm, spec.id()).isNotNull();
        }
    }
}
