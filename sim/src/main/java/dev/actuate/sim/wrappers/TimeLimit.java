package dev.actuate.sim.wrappers;

import dev.actuate.sim.Env;
import dev.actuate.sim.ResetResult;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.Wrapper;

/** Ends an episode after {@code maxEpisodeSteps} steps, reported as {@code truncated}, never {@code terminated}. */
public final class TimeLimit extends Wrapper {
    private final int maxEpisodeSteps;
    private int elapsed;
    private boolean ended = true;

    public TimeLimit(Env env, int maxEpisodeSteps) {
        super(env);
        if (maxEpisodeSteps <= 0) {
            throw new IllegalArgumentException("maxEpisodeSteps must be positive, got " + maxEpisodeSteps);
        }
        this.maxEpisodeSteps = maxEpisodeSteps;
    }

    public int maxEpisodeSteps() {
        return maxEpisodeSteps;
    }

    public int elapsedSteps() {
        return elapsed;
    }

    /** Resumes an episode restored from a snapshot after {@code steps} steps (checkpoint resume). */
    public void restoreElapsed(int steps) {
        if (steps < 0 || steps >= maxEpisodeSteps) {
            throw new IllegalArgumentException(id() + ": elapsed steps " + steps + " outside [0, " + maxEpisodeSteps + ")");
        }
        elapsed = steps;
        ended = false;
    }

    @Override
    public ResetResult reset(long seed) {
        elapsed = 0;
        ended = false;
        return env.reset(seed);
    }

    @Override
    public ResetResult reset() {
        elapsed = 0;
        ended = false;
        return env.reset();
    }

    @Override
    public StepResult step(double[] action) {
        if (ended) {
            throw new IllegalStateException(id() + ": step() called before reset() or after the episode ended;"
                    + " call reset() first");
        }
        StepResult r = env.step(action);
        elapsed++;
        if (elapsed >= maxEpisodeSteps && !r.terminated()) {
            r = r.withTruncated(true);
        }
        ended = r.done();
        return r;
    }
}
