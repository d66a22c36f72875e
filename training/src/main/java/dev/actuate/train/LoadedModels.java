package dev.actuate.train;

import dev.actuate.runtime.LoadedModel;
import dev.actuate.sim.Controller;

/** A run-time {@link LoadedModel} seen from the simulator side: eval and render drive envs with it. */
public final class LoadedModels {
    private LoadedModels() {
    }

    /**
     * The policy as a sim {@link Controller} ({@link LoadedModel}'s math on doubles); allocates each returned action.
     * Episode starts reach the model, which clears its previous actions.
     */
    public static Controller asController(LoadedModel model) {
        return new Controller() {
            @Override
            public double[] act(double[] obs) {
                double[] a = new double[model.actionSize()];
                model.act(obs, a);
                return a;
            }

            @Override
            public void reset() {
                model.reset();
            }
        };
    }
}
