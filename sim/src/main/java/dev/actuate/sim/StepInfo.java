package dev.actuate.sim;

/**
 * Typed per-step information. Gymnasium uses a string-keyed dict; here each field is explicit.
 *
 * @param episode set by {@code RecordEpisodeStatistics} on the step that ends an episode, else null
 * @param success whether the env's own success condition held on this step (lander at rest,
 *                car at the goal, arm on target); environments without one leave it false
 */
public record StepInfo(EpisodeStats episode, boolean success) {
    public static final StepInfo EMPTY = new StepInfo(null, false);
    public static final StepInfo SUCCESS = new StepInfo(null, true);

    public StepInfo withEpisode(EpisodeStats stats) {
        return new StepInfo(stats, success);
    }
}
