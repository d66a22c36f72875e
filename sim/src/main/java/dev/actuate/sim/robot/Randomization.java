package dev.actuate.sim.robot;

import java.util.List;

/**
 * Domain randomisation at reset: each entry multiplies a physical parameter of each named body or
 * joint (all of them when none are named) by a factor drawn uniformly from {@code scale}, one draw
 * per item, from the env's seeded generator, before the episode's other reset draws.
 */
public record Randomization(List<Entry> entries) {
    public static final Randomization NONE = new Randomization(List.of());

    public Randomization {
        entries = List.copyOf(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * mass: a body's mass; length: a body's geometry about its origin (shape and the joint anchors
     * on it); friction: a body's friction; motor: a joint's max effort (torque/force at action 1);
     * damping: a joint's viscous damping.
     */
    public enum Parameter { MASS, LENGTH, FRICTION, MOTOR, DAMPING;

        boolean onJoints() {
            return this == MOTOR || this == DAMPING;
        }
    }

    /** @param targets body or joint names, in model order */
    public record Entry(Parameter parameter, List<String> targets, double low, double high) {
        public Entry {
            targets = List.copyOf(targets);
            if (!(low > 0 && low <= high)) {
                throw new IllegalArgumentException(parameter + ": scale [" + low + ", " + high + "] must be positive and in order");
            }
        }
    }
}
