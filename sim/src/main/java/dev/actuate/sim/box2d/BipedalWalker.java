package dev.actuate.sim.box2d;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.StepResult;

/** PLACEHOLDER: replaced by the BipedalWalker-v3 / Hardcore implementation. */
public final class BipedalWalker extends AbstractEnv {
    public static final String ID = "BipedalWalker-v3";
    public static final String HARDCORE_ID = "BipedalWalkerHardcore-v3";

    public BipedalWalker(boolean hardcore) {
        super(hardcore ? HARDCORE_ID : ID, Box.uniform(24, -Double.MAX_VALUE, Double.MAX_VALUE), Box.uniform(4, -1, 1));
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
