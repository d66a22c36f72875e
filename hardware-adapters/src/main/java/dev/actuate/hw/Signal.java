package dev.actuate.hw;

/**
 * A named state or command signal, e.g. {@code joint1/position} in {@code rad}, with limits.
 * Command limits are what the safety layer clips to.
 */
public record Signal(String name, String unit, double min, double max) {
    public Signal {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("signal name is blank");
        }
        if (!(min <= max)) {
            throw new IllegalArgumentException("signal " + name + ": min " + min + " > max " + max);
        }
    }
}
