package dev.actuate.train;

import dev.actuate.runtime.LoadedModel;
import dev.actuate.sim.Controller;

/** A run-time {@link LoadedModel} seen from the simulator side: eval and render drive envs with it. */
public final class LoadedModels {
    private LoadedModels() {
    }

    /** The policy as a sim {@link Controller} ({@link LoadedModel}'s math on doubles); allocates each returned action. */
    public static Controller asController(LoadedModel model) {
        return obs -> {
            double[] a = new double[model.actionSize()];
            model.act(obs, a);
            return a;
        };
    }
}
