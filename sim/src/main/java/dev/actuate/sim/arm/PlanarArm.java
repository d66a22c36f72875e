package dev.actuate.sim.arm;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.StepResult;

/** PLACEHOLDER: replaced by the planar two-link arm implementation. */
public final class PlanarArm extends AbstractEnv {
    public static final String ID = "PlanarArm-v0";
    public static final int MAX_EPISODE_STEPS = 200;
    public static final double REWARD_THRESHOLD = -10.0;

    public PlanarArm() {
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
