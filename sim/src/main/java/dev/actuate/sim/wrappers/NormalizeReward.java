package dev.actuate.sim.wrappers;

import dev.actuate.sim.Env;
import dev.actuate.sim.ResetResult;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.Wrapper;

/**
 * Scales rewards by the running standard deviation of the discounted return, as Gymnasium's
 * {@code NormalizeReward}: {@code G = gamma * G + r}, update the statistics with {@code G}, return
 * {@code r / sqrt(var(G) + 1e-8)}. The mean is not subtracted, so the sign of rewards is kept.
 * {@code G} restarts at 0 on every reset. Unless frozen, statistics update on every step.
 */
public final class NormalizeReward extends Wrapper {
    public static final double EPSILON = 1e-8;

    private final double gamma;
    private final RunningMeanStd rms;
    private final double[] g = new double[1];
    private boolean frozen;

    public NormalizeReward(Env env, double gamma) {
        this(env, gamma, new RunningMeanStd(1));
    }

    public NormalizeReward(Env env, double gamma, RunningMeanStd rms) {
        super(env);
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException(env.id() + ": NormalizeReward gamma must be in [0, 1], got " + gamma);
        }
        if (rms.dim() != 1) {
            throw new IllegalArgumentException(env.id() + ": reward statistics must have dimension 1, got " + rms.dim());
        }
        this.gamma = gamma;
        this.rms = rms;
    }

    public RunningMeanStd statistics() {
        return rms;
    }

    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    /** The discounted return accumulated so far in this episode. */
    public double discountedReturn() {
        return g[0];
    }

    @Override
    public ResetResult reset(long seed) {
        g[0] = 0;
        return env.reset(seed);
    }

    @Override
    public ResetResult reset() {
        g[0] = 0;
        return env.reset();
    }

    @Override
    public StepResult step(double[] action) {
        StepResult r = env.step(action);
        g[0] = gamma * g[0] + r.reward();
        if (!frozen) {
            rms.update(g);
        }
        return r.withReward(r.reward() / Math.sqrt(rms.var()[0] + EPSILON));
    }
}
