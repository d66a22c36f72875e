package dev.actuate.sim.wrappers;

import dev.actuate.sim.Box;
import dev.actuate.sim.Env;
import dev.actuate.sim.ResetResult;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.Wrapper;

/**
 * Normalises observations to roughly zero mean and unit variance with running statistics, as
 * Gymnasium's {@code NormalizeObservation}: {@code clip((o - mean) / sqrt(var + 1e-8), -10, 10)}.
 *
 * <p>Statistics are updated with each raw observation (reset and step) before normalising, unless
 * {@linkplain #setFrozen frozen}. The {@link RunningMeanStd} may be passed in so that a training env
 * and an evaluation env share it; save it with the policy via {@link RunningMeanStd#state()}.
 * When the terminal step's observation is returned, it is normalised like any other.
 */
public final class NormalizeObservation extends Wrapper {
    public static final double EPSILON = 1e-8;
    public static final double CLIP = 10.0;

    private final RunningMeanStd rms;
    private final Box space;
    private boolean frozen;

    public NormalizeObservation(Env env) {
        this(env, new RunningMeanStd(env.observationSpace().dim()));
    }

    public NormalizeObservation(Env env, RunningMeanStd rms) {
        super(env);
        if (rms.dim() != env.observationSpace().dim()) {
            throw new IllegalArgumentException(env.id() + ": observation statistics have dimension " + rms.dim()
                    + ", observation space has " + env.observationSpace().dim());
        }
        this.rms = rms;
        this.space = Box.uniform(rms.dim(), -CLIP, CLIP);
    }

    public RunningMeanStd statistics() {
        return rms;
    }

    /** A frozen normaliser applies the statistics without updating them (evaluation). */
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    public boolean frozen() {
        return frozen;
    }

    @Override
    public Box observationSpace() {
        return space;
    }

    @Override
    public ResetResult reset(long seed) {
        ResetResult r = env.reset(seed);
        return new ResetResult(observe(r.observation()), r.info());
    }

    @Override
    public ResetResult reset() {
        ResetResult r = env.reset();
        return new ResetResult(observe(r.observation()), r.info());
    }

    @Override
    public StepResult step(double[] action) {
        StepResult r = env.step(action);
        return r.withObservation(observe(r.observation()));
    }

    private double[] observe(double[] obs) {
        if (!frozen) {
            rms.update(obs);
        }
        return rms.normalize(obs, EPSILON, CLIP, new double[obs.length]);
    }
}
