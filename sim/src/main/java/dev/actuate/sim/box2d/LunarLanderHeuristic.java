package dev.actuate.sim.box2d;

import dev.actuate.sim.Controller;

/**
 * The reference's hand-written lander controller ({@code heuristic(env, s)}, continuous branch):
 * a PD law tilts the lander towards the pad centre while a second one holds a hover height
 * proportional to the horizontal offset; after touchdown it only brakes the fall. Stateless.
 */
public final class LunarLanderHeuristic implements Controller {
    /** More than 0.4 rad (22 degrees) of tilt is bad. */
    private static final double MAX_TILT = 0.4;

    @Override
    public double[] act(double[] s) {
        if (s.length != 8) {
            throw new IllegalArgumentException(LunarLander.ID + " heuristic: observation has length " + s.length
                    + ", expected 8");
        }
        double angleTarget = Math.max(-MAX_TILT, Math.min(MAX_TILT, s[0] * 0.5 + s[2] * 1.0));
        double hoverTarget = 0.55 * Math.abs(s[0]);
        double angleTodo = (angleTarget - s[4]) * 0.5 - s[5] * 1.0;
        double hoverTodo = (hoverTarget - s[1]) * 0.5 - s[3] * 0.5;
        if (s[6] != 0 || s[7] != 0) {
            // On the ground: no more steering, just slow the descent.
            angleTodo = 0;
            hoverTodo = -s[3] * 0.5;
        }
        return new double[] {clip(hoverTodo * 20 - 1), clip(-angleTodo * 20)};
    }

    private static double clip(double x) {
        return Math.max(-1.0, Math.min(1.0, x));
    }
}
