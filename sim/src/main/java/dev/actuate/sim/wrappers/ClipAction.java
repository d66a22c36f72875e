package dev.actuate.sim.wrappers;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Env;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.Wrapper;

/**
 * Clips every action into the env's action box before stepping. The advertised action space is
 * unchanged (Gymnasium widens it to infinity) so policies still read the real bounds from it.
 */
public final class ClipAction extends Wrapper {
    public ClipAction(Env env) {
        super(env);
    }

    @Override
    public StepResult step(double[] action) {
        AbstractEnv.validateAction(id(), env.actionSpace(), action);
        return env.step(env.actionSpace().clip(action.clone()));
    }
}
