package dev.actuate.sim.wrappers;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.Env;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.Wrapper;

/**
 * Exposes the action space {@code [min, max]^n} (typically {@code [-1, 1]}) and maps it affinely
 * onto the env's finite action box. Values outside {@code [min, max]} map outside the box and are
 * left to the env, which clips them.
 */
public final class RescaleAction extends Wrapper {
    private final Box space;
    private final double[] scale;
    private final double[] offset;

    public RescaleAction(Env env, double min, double max) {
        super(env);
        if (!(min < max) || !Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException(env.id() + ": RescaleAction needs finite min < max, got ["
                    + min + ", " + max + "]");
        }
        Box inner = env.actionSpace();
        space = Box.uniform(inner.dim(), min, max);
        scale = new double[inner.dim()];
        offset = new double[inner.dim()];
        for (int i = 0; i < inner.dim(); i++) {
            double lo = inner.low(i);
            double hi = inner.high(i);
            if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
                throw new IllegalArgumentException(env.id() + ": RescaleAction needs a finite action box, dimension "
                        + i + " is [" + lo + ", " + hi + "]");
            }
            scale[i] = (hi - lo) / (max - min);
            offset[i] = lo - min * scale[i];
        }
    }

    @Override
    public Box actionSpace() {
        return space;
    }

    @Override
    public StepResult step(double[] action) {
        AbstractEnv.validateAction(id(), space, action);
        double[] a = new double[action.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = offset[i] + scale[i] * action[i];
        }
        return env.step(a);
    }
}
