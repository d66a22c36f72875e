package dev.actuate.sim.box2d;

import dev.actuate.sim.Controller;

/** PLACEHOLDER: replaced by the real heuristic. */
public final class LunarLanderHeuristic implements Controller {
    @Override
    public double[] act(double[] observation) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
