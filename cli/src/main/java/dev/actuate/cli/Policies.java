package dev.actuate.cli;

import dev.actuate.runtime.LoadedModel;

import dev.actuate.runtime.Policy;
import dev.actuate.sim.Env;

import java.nio.file.Path;

/**
 * Where the runtime commands get a policy: a trained model ({@code --model}, loaded by
 * {@link ModelControllers#loadModel} as an allocation-free {@link LoadedModel}) or a built-in
 * controller ({@code --controller}, {@link BuiltInControllers}).
 */
final class Policies {
    private Policies() {
    }

    /** A short description for reports, e.g. {@code heuristic(LunarLanderContinuous-v3)}. */
    static String describe(String model, String controller, String envId) {
        return model != null ? "model " + model : (controller == null ? "heuristic" : controller) + "(" + envId + ")";
    }

    /** The JSON {@code policy} value: {@code model:<path>} or the controller's name. */
    static String label(String model, String controller) {
        return model != null ? "model:" + model : controller == null ? "heuristic" : controller;
    }

    static Policy resolve(String model, String controller, Env env) {
        return resolve(model, controller, env, 0);
    }

    /** A model's policy, else the built-in controller (default heuristic); {@code random} draws from {@code seed}. */
    static Policy resolve(String model, String controller, Env env, long seed) {
        if (model != null) {
            if (controller != null) {
                throw new IllegalArgumentException("give either --controller or --model, not both");
            }
            return ModelControllers.loadModel(Path.of(model), env);
        }
        return BuiltInControllers.policy(controller == null ? "heuristic" : controller, env, seed);
    }
}
