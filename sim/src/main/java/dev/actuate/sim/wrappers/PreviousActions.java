package dev.actuate.sim.wrappers;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.Env;
import dev.actuate.sim.ResetResult;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.Wrapper;

/**
 * Appends the last {@code n} actions to the observation: {@code [obs, a(t-1), a(t-2), ..., a(t-n)]}, most recent
 * first, each clipped into the action box (what a robot's command limits let through). After a reset every slot
 * holds {@code initialAction}. The observation space grows by {@code n} copies of the action box. The deployed
 * controller builds the same vector from the commands it sent (the policy file records {@code n}).
 */
public final class PreviousActions extends Wrapper {
    private final int count;
    private final int stateDim;
    private final int actDim;
    private final double[] initialAction;
    private final double[] history;
    private final Box space;

    public PreviousActions(Env env, int count, double[] initialAction) {
        super(env);
        if (count < 0) {
            throw new IllegalArgumentException(env.id() + ": PreviousActions count must be >= 0, got " + count);
        }
        AbstractEnv.validateAction(env.id() + " (PreviousActions initial action)", env.actionSpace(), initialAction);
        Box obs = env.observationSpace();
        Box act = env.actionSpace();
        this.count = count;
        this.stateDim = obs.dim();
        this.actDim = act.dim();
        this.initialAction = act.clip(initialAction.clone());
        this.history = new double[count * actDim];
        double[] lo = new double[stateDim + count * actDim];
        double[] hi = new double[lo.length];
        System.arraycopy(obs.low(), 0, lo, 0, stateDim);
        System.arraycopy(obs.high(), 0, hi, 0, stateDim);
        for (int k = 0; k < count; k++) {
            System.arraycopy(act.low(), 0, lo, stateDim + k * actDim, actDim);
            System.arraycopy(act.high(), 0, hi, stateDim + k * actDim, actDim);
        }
        this.space = new Box(lo, hi);
    }

    public int count() {
        return count;
    }

    @Override
    public Box observationSpace() {
        return space;
    }

    @Override
    public ResetResult reset(long seed) {
        return start(env.reset(seed));
    }

    @Override
    public ResetResult reset() {
        return start(env.reset());
    }

    private ResetResult start(ResetResult r) {
        for (int k = 0; k < count; k++) {
            System.arraycopy(initialAction, 0, history, k * actDim, actDim);
        }
        return new ResetResult(extend(r.observation()), r.info());
    }

    @Override
    public StepResult step(double[] action) {
        AbstractEnv.validateAction(id(), actionSpace(), action);
        StepResult r = env.step(action);
        if (count > 0) {
            System.arraycopy(history, 0, history, actDim, (count - 1) * actDim);
            System.arraycopy(action, 0, history, 0, actDim);
            Box act = env.actionSpace();
            for (int i = 0; i < actDim; i++) {
                history[i] = Math.min(act.high(i), Math.max(act.low(i), history[i]));
            }
        }
        return r.withObservation(extend(r.observation()));
    }

    private double[] extend(double[] obs) {
        double[] out = new double[stateDim + history.length];
        System.arraycopy(obs, 0, out, 0, stateDim);
        System.arraycopy(history, 0, out, stateDim, history.length);
        return out;
    }
}
