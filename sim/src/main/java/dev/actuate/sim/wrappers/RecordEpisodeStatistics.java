package dev.actuate.sim.wrappers;

import dev.actuate.sim.Env;
import dev.actuate.sim.EpisodeStats;
import dev.actuate.sim.ResetResult;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.Wrapper;

/**
 * Accumulates the undiscounted return and length of each episode and reports them in
 * {@code StepInfo.episode} on the step that ends it. Put it below any reward-scaling wrapper to
 * record the env's true return.
 */
public final class RecordEpisodeStatistics extends Wrapper {
    private double episodeReturn;
    private int length;
    private long startNanos;

    public RecordEpisodeStatistics(Env env) {
        super(env);
    }

    @Override
    public ResetResult reset(long seed) {
        start();
        return env.reset(seed);
    }

    @Override
    public ResetResult reset() {
        start();
        return env.reset();
    }

    private void start() {
        episodeReturn = 0;
        length = 0;
        startNanos = System.nanoTime();
    }

    @Override
    public StepResult step(double[] action) {
        StepResult r = env.step(action);
        episodeReturn += r.reward();
        length++;
        if (r.done()) {
            double seconds = (System.nanoTime() - startNanos) * 1e-9;
            return r.withInfo(r.info().withEpisode(new EpisodeStats(episodeReturn, length, seconds)));
        }
        return r;
    }
}
