package dev.actuate.sim;

import java.util.function.Supplier;

/**
 * Registry entry, as Gymnasium's {@code EnvSpec}.
 *
 * @param maxEpisodeSteps applied by {@link Envs#make} as a {@code TimeLimit}
 * @param rewardThreshold the return at which the env counts as solved
 */
public record EnvSpec(String id, int maxEpisodeSteps, double rewardThreshold, Supplier<Env> factory) {
}
