package dev.actuate.sim.arm;

import dev.actuate.sim.Controller;

/** PLACEHOLDER: replaced by the real heuristic. */
public final class PlanarArmHeuristic implements Controller {
    @Override
    public double[] act(double[] observation) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
