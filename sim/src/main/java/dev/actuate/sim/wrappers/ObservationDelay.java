package dev.actuate.sim.wrappers;

import dev.actuate.sim.Env;
import dev.actuate.sim.ResetResult;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.Wrapper;

import java.util.ArrayDeque;

/**
 * Sensing latency in whole control steps: step {@code t} returns the observation of step {@code t - k}. Until
 * {@code k} steps have passed the reset observation is repeated (the oldest one there is). Reward and the
 * termination flags are not delayed: they belong to the simulator, not to the robot's sensors.
 */
public final class ObservationDelay extends Wrapper {
    private final int steps;
    private final ArrayDeque<double[]> history = new ArrayDeque<>();

    public ObservationDelay(Env env, int steps) {
        super(env);
        if (steps < 0) {
            throw new IllegalArgumentException(env.id() + ": ObservationDelay steps must be >= 0, got " + steps);
        }
        this.steps = steps;
    }

    public int steps() {
        return steps;
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
        history.clear();
        for (int i = 0; i < steps; i++) { // the reset observation itself is returned now
            history.addLast(r.observation().clone());
        }
        return new ResetResult(r.observation().clone(), r.info());
    }

    @Override
    public StepResult step(double[] action) {
        StepResult r = env.step(action);
        history.addLast(r.observation().clone());
        return r.withObservation(history.removeFirst());
    }
}
