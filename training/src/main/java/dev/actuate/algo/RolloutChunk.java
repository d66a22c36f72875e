package dev.actuate.algo;

import java.io.Serializable;

/**
 * One worker's rollout of envs {@code [firstEnv, firstEnv + envs)} for {@code nSteps} steps. Per-step arrays are
 * step-major: entry {@code (t, i)} of a per-env array is at {@code t * envs + i} (times the row width).
 *
 * @param obs          the normalised observations the actions were chosen on, as the buffer stores them
 * @param nextRawObs   the raw observations after each step (the learner's observation statistics are updated
 *                     with them), or null without {@code norm_obs}
 * @param actions      the unclipped samples
 * @param rewards      the env's rewards, unscaled (the learner scales them in env order)
 * @param finalObs     the normalised final observations of the envs truncated (not terminated), in step and env
 *                     order: the learner bootstraps from them in one batch per step, as its own rollout does
 * @param lastValues   V of the observations after the last step, per env
 * @param episodes     finished episodes as (step, env within the chunk, return, length) quadruples
 * @param computeNanos the worker's own time for the rollout (the rest of the learner's wait is distribution)
 * @param envNanos     of which stepping the envs (the rest is inference, sampling and copying)
 */
public record RolloutChunk(int firstEnv, int envs, int nSteps, float[] obs, double[] nextRawObs, double[] actions,
                           double[] logProbs, double[] values, double[] rewards, boolean[] terminated,
                           boolean[] truncated, float[] finalObs, double[] lastValues, double[] episodes,
                           long computeNanos, long envNanos) implements Serializable {
    /** The arrays' bytes: what the worker sends back, less Java serialization's framing. */
    public long payloadBytes() {
        long doubles = (nextRawObs == null ? 0 : nextRawObs.length) + actions.length + logProbs.length + values.length
                + rewards.length + lastValues.length + episodes.length;
        return 4L * (obs.length + finalObs.length) + 8L * doubles + terminated.length + truncated.length;
    }
}
