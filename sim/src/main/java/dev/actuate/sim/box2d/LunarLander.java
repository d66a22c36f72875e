package dev.actuate.sim.box2d;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.StepResult;

/** PLACEHOLDER: replaced by the LunarLanderContinuous-v3 implementation. */
public final class LunarLander extends AbstractEnv {
    public static final String ID = "LunarLanderContinuous-v3";

    public LunarLander() {
        super(ID, Box.uniform(8, -10, 10), Box.uniform(2, -1, 1));
    }

    @Override
    protected double[] doReset() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    protected StepResult doStep(double[] action) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
