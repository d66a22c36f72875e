package dev.actuate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Passwords for command-line tools: from an environment variable or a file, never from an argument
 * (arguments are visible to every user through {@code ps}). Errors name the option, the variable or
 * the file, never the value.
 */
final class Secrets {
    private Secrets() {
    }

    /** The secret from {@code envVar} or {@code file} (first line); null when neither is given. */
    static String read(String option, String envVar, Path file) {
        if (envVar != null && file != null) {
            throw new IllegalArgumentException(option + "-env and " + option + "-file: give one, not both");
        }
        if (envVar != null) {
            String v = System.getenv(envVar);
            if (v == null) {
                throw new IllegalArgumentException(option + "-env: environment variable " + envVar + " is not set");
            }
            return v;
        }
        if (file == null) {
            return null;
        }
        try {
            String text = Files.readString(file);
            int eol = text.indexOf('\n');
            String v = (eol < 0 ? text : text.substring(0, eol)).replace("\r", "");
            if (v.isEmpty()) {
                throw new IllegalArgumentException(option + "-file: " + file + " is empty");
            }
            return v;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(option + "-file: " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(option + "-file: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
