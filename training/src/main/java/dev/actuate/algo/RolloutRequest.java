package dev.actuate.algo;

import java.io.Serializable;

/**
 * What a {@link RolloutWorker} needs from the learner for one rollout: the policy and value parameters as plain
 * float arrays, the observation statistics to normalise with (null without {@code norm_obs}), and the state of
 * the learner's action generator at the rollout's start (each worker skips to its own envs' draws; with gSDE it
 * redraws every env's exploration matrices from it, as the learner would).
 *
 * @param iteration the learner's iteration; a worker that did not see the previous one has lost its envs
 */
public record RolloutRequest(long iteration, float[] policyMean, float[] logStd, float[] value, double[] obsMean,
                             double[] obsVar, double obsCount, long rngState) implements Serializable {
}
