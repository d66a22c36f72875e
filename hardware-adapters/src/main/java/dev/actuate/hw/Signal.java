package dev.actuate.hw;

/**
 * A named state or command signal, e.g. {@code joint1/position} in {@code rad}, with limits.
 * Command limits are what the safety layer clips to; state limits are what it enforces on the
 * robot's state, as {@code outOfRange} says (state signals only).
 */
public record Signal(String name, String unit, double min, double max, OutOfRange outOfRange) {
    /** A signal whose out-of-range values trigger the safe action. */
    public Signal(String name, String unit, double min, double max) {
        this(name, unit, min, max, OutOfRange.SAFE);
    }

    public Signal {
        if (outOfRange == null) {
            throw new IllegalArgumentException("signal " + name + ": out_of_range is null");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("signal name is blank");
        }
        if (!(min <= max)) {
            throw new IllegalArgumentException("signal " + name + ": min " + min + " > max " + max);
        }
    }
}
