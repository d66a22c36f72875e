package dev.actuate.sim;

/**
 * One step of a {@link VectorEnv}, index i for sub-env i.
 *
 * <p>Same-step auto-reset, as Stable-Baselines3: where env i's episode ended on this step,
 * {@code observations[i]} is already the first observation of its next episode, and
 * {@code finalObservations[i]} is the last observation of the finished one (PPO bootstraps from it
 * on truncation); {@code episodes[i]} then holds its return and length. Both are null otherwise.
 */
public record VectorStep(double[][] observations, double[] rewards, boolean[] terminated, boolean[] truncated,
                         double[][] finalObservations, EpisodeStats[] episodes, StepInfo[] infos) {
    public int numEnvs() {
        return rewards.length;
    }

    public boolean done(int i) {
        return terminated[i] || truncated[i];
    }
}
