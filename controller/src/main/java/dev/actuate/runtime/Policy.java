package dev.actuate.runtime;

/**
 * What the control loop runs each cycle: observation in, action out, in caller-owned float arrays
 * so that a plain-Java network can run without allocating.
 */
public interface Policy {
    /** Writes the action for {@code observation} into {@code action}. */
    void act(float[] observation, float[] action);

    /** Called when the robot reports a new episode. */
    default void reset() {
    }

    /**
     * Called after every write with the command that went out (after the safety layer), for policies whose
     * input includes their previous actions. Must not allocate.
     */
    default void commandSent(double[] command) {
    }
}
