package dev.actuate.sim;

/**
 * Maps an observation to an action: a hand-written heuristic, a random policy or a trained
 * network. Stateful controllers (the walker's gait machine) clear their state in {@link #reset()}.
 */
@FunctionalInterface
public interface Controller {
    double[] act(double[] observation);

    /** Called at the start of every episode. */
    default void reset() {
    }
}
