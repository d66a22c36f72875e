package dev.actuate.cli;

import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;

import java.nio.file.Path;

/** PLACEHOLDER: loads a trained model (run directory or model file) as a deterministic controller. */
public final class ModelControllers {
    private ModelControllers() {
    }

    /** Returns the deterministic policy of the model, with its observation normaliser applied. */
    public static Controller load(Path modelOrRunDir, Env env) {
        throw new IllegalArgumentException("loading models is not implemented yet: " + modelOrRunDir);
    }

    /** The env id the model was trained on, so that {@code --model} alone suffices. */
    public static String envId(Path modelOrRunDir) {
        throw new IllegalArgumentException("reading the env id from a model is not implemented yet: " + modelOrRunDir
                + "; pass --env");
    }
}
