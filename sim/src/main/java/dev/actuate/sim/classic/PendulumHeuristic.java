package dev.actuate.sim.classic;

import dev.actuate.sim.Controller;

/** PLACEHOLDER: replaced by the real heuristic. */
public final class PendulumHeuristic implements Controller {
    @Override
    public double[] act(double[] observation) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
