package dev.actuate.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the clone's files ({@code configs/<algo>/<env>.yaml}, the shipped agents in {@code models/}): in the
 * working directory first, then above the jar or classes directory (so {@code scripts/actuate} works from any
 * directory of a clone).
 */
public final class DefaultConfigs {
    private DefaultConfigs() {
    }

    /** The config file, or null when there is none. */
    public static Path find(String algo, String envId) {
        return findFile(Path.of("configs", algo, envId + ".yaml"));
    }

    /** A file of the clone ({@code rel} from its root), or null when there is none. */
    static Path findFile(Path rel) {
        return find(rel, Files::isRegularFile);
    }

    /** A directory of the clone ({@code rel} from its root), or null when there is none. */
    static Path findDir(Path rel) {
        return find(rel, Files::isDirectory);
    }

    private static Path find(Path rel, java.util.function.Predicate<Path> kind) {
        if (kind.test(rel)) {
            return rel;
        }
        try {
            Path p = Path.of(DefaultConfigs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (int up = 0; up < 4 && p != null; up++, p = p.getParent()) {
                Path candidate = p.resolve(rel);
                if (kind.test(candidate)) {
                    return candidate;
                }
            }
        } catch (Exception e) {
            // No code source location (unusual class loaders): only the working directory counts.
        }
        return null;
    }
}
