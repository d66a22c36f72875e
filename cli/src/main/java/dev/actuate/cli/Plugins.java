package dev.actuate.cli;

import dev.actuate.sim.Envs;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Env plug-ins: jars named by {@code --plugin} or by {@code ACTUATE_PLUGINS} (a path list, separated
 * as the class path is) are opened in one class loader, and their {@code EnvProvider}s register
 * their envs with {@link Envs} before the command runs, so every command sees them.
 */
final class Plugins {
    static final String ENVIRONMENT_VARIABLE = "ACTUATE_PLUGINS";

    private Plugins() {
    }

    /** The jars listed in an {@code ACTUATE_PLUGINS} value (null or blank: none). */
    static List<Path> parse(String value) {
        List<Path> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        for (String p : value.split(File.pathSeparator)) {
            if (!p.isBlank()) {
                out.add(Path.of(p.trim()));
            }
        }
        return out;
    }

    /** Loads the jars' env providers; returns the number of envs registered. */
    static int load(List<Path> jars, String origin) {
        if (jars.isEmpty()) {
            return 0;
        }
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            Path jar = jars.get(i);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException(origin + ": plug-in jar " + jar + " does not exist");
            }
            try {
                urls[i] = jar.toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(origin + ": plug-in jar " + jar + ": " + e.getMessage());
            }
        }
        // Left open for the life of the process: the envs' classes live in it.
        URLClassLoader loader = new URLClassLoader(urls, Plugins.class.getClassLoader());
        int n = Envs.loadPlugins(loader, origin + " " + jars);
        if (n == 0 && !providesAny(loader)) { // n == 0 with a provider: the same plug-in loaded twice
            throw new IllegalArgumentException(origin + ": " + jars + " registers no env (no META-INF/services/"
                    + "dev.actuate.sim.EnvProvider, or its providers list no envs)");
        }
        return n;
    }

    private static boolean providesAny(ClassLoader loader) {
        return java.util.ServiceLoader.load(dev.actuate.sim.EnvProvider.class, loader).findFirst().isPresent();
    }
}
