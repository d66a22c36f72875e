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
}
