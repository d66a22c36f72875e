package dev.actuate.sim;

/**
 * The result of one {@link Env#step}. {@code terminated} means the MDP reached a terminal state
 * (do not bootstrap); {@code truncated} means the episode was cut short, e.g. by a time limit
 * (bootstrap from {@code observation}).
 */
public record StepResult(double[] observation, double reward, boolean terminated, boolean truncated, StepInfo info) {
    public boolean done() {
        return terminated || truncated;
    }

    public StepResult withTruncated(boolean value) {
        return new StepResult(observation, reward, terminated, value, info);
    }

    public StepResult withObservation(double[] obs) {
        return new StepResult(obs, reward, terminated, truncated, info);
    }

    public StepResult withReward(double r) {
        return new StepResult(observation, r, terminated, truncated, info);
    }

    public StepResult withInfo(StepInfo i) {
        return new StepResult(observation, reward, terminated, truncated, i);
    }
}
