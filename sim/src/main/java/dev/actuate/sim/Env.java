package dev.actuate.sim;

/**
 * The Gymnasium environment contract: {@link #reset(long)} then {@link #step(double[])} until
 * {@code terminated} or {@code truncated}, then reset again.
 *
 * <p>Implementations throw {@link IllegalStateException} for a step before reset or after the
 * episode ended, and {@link IllegalArgumentException} naming the env and index for an action of
 * the wrong length or containing NaN.
 */
public interface Env extends AutoCloseable {
    /** Registry id, e.g. {@code Pendulum-v1}. */
    String id();

    Box observationSpace();

    Box actionSpace();

    /** Seeds the env's generator and starts an episode. */
    ResetResult reset(long seed);

    /** Starts an episode continuing the generator of the previous one. */
    ResetResult reset();

    StepResult step(double[] action);

    /** The innermost environment, below every wrapper. */
    default Env unwrapped() {
        return this;
    }

    @Override
    default void close() {
    }
}
