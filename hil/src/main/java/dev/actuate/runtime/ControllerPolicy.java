package dev.actuate.runtime;

import dev.actuate.sim.Controller;

/**
 * Runs a {@link Controller} (a sim heuristic or any double-based policy) as a {@link Policy}.
 * Controllers return a fresh array, so this allocates per call; fine for heuristics, while
 * trained networks run through an allocation-free {@link Policy} directly.
 */
public final class ControllerPolicy implements Policy {
    private final Controller controller;
    private final double[] obs;

    public ControllerPolicy(Controller controller, int observationSize) {
        this.controller = controller;
        this.obs = new double[observationSize];
    }

    @Override
    public void act(float[] observation, float[] action) {
        for (int i = 0; i < obs.length; i++) {
            obs[i] = observation[i];
        }
        double[] a = controller.act(obs);
        if (a.length != action.length) {
            throw new IllegalArgumentException("controller returned " + a.length + " actions, expected " + action.length);
        }
        for (int i = 0; i < action.length; i++) {
            action[i] = (float) a[i];
        }
    }

    @Override
    public void reset() {
        controller.reset();
    }
}
