package dev.actuate.sim;

import java.util.List;

/**
 * Exact mid-episode state of an {@link AbstractEnv}, stored as the generator state at reset plus
 * the actions taken since. Restoring replays them; the physics is deterministic, so the result is
 * bit-identical even for Box2D worlds whose internals cannot be serialised.
 */
public record EnvSnapshot(long rngStateAtReset, List<double[]> actions) {
    public EnvSnapshot {
        actions = List.copyOf(actions);
    }
}
