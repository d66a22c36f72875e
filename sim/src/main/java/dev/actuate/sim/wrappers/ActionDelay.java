package dev.actuate.sim.wrappers;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Env;
import dev.actuate.sim.ResetResult;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.Wrapper;

import java.util.ArrayDeque;

/**
 * Actuation latency in whole control steps: step {@code t} applies the action chosen at step {@code t - k}. The
 * first {@code k} steps of every episode apply {@code initialAction} (what the robot holds before the first
 * command arrives, e.g. zeros). Actions still in flight when an episode ends are dropped.
 */
public final class ActionDelay extends Wrapper {
    private final int steps;
    private final double[] initialAction;
    private final ArrayDeque<double[]> pending = new ArrayDeque<>();

    public ActionDelay(Env env, int steps, double[] initialAction) {
        super(env);
        if (steps < 0) {
            throw new IllegalArgumentException(env.id() + ": ActionDelay steps must be >= 0, got " + steps);
        }
        AbstractEnv.validateAction(env.id() + " (ActionDelay initial action)", env.actionSpace(), initialAction);
        this.steps = steps;
        this.initialAction = initialAction.clone();
    }

    public int steps() {
        return steps;
    }

    @Override
    public ResetResult reset(long seed) {
        refill();
        return env.reset(seed);
    }

    @Override
    public ResetResult reset() {
        refill();
        return env.reset();
    }

    private void refill() {
        pending.clear();
        for (int i = 0; i < steps; i++) {
            pending.addLast(initialAction.clone());
        }
    }

    @Override
    public StepResult step(double[] action) {
        AbstractEnv.validateAction(id(), actionSpace(), action);
        pending.addLast(action.clone());
        return env.step(pending.removeFirst());
    }
}
