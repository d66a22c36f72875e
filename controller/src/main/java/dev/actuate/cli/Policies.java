package dev.actuate.cli;

import dev.actuate.runtime.ControllerPolicy;
import dev.actuate.runtime.Policy;
import dev.actuate.sim.Env;
import dev.actuate.sim.Heuristics;

import java.nio.file.Path;

/**
 * Where the runtime commands get a policy: a trained model ({@code --model}, loaded by
 * {@link ModelControllers}) or a built-in controller ({@code --controller heuristic|zero}).
 */
final class Policies {
    private Policies() {
    }

    /** A short description for reports, e.g. {@code heuristic(LunarLanderContinuous-v3)}. */
    static String describe(String model, String controller, String envId) {
        return model != null ? "model " + model : controller + "(" + envId + ")";
    }

    static Policy resolve(String model, String controller, Env env) {
        int nObs = env.observationSpace().dim();
        if (model != null) {
            return new ControllerPolicy(ModelControllers.load(Path.of(model), env), nObs);
        }
        String c = controller == null ? "heuristic" : controller;
        return switch (c) {
            case "heuristic" -> new ControllerPolicy(Heuristics.forEnv(env.id()), nObs);
            case "zero" -> (obs, action) -> java.util.Arrays.fill(action, 0f);
            default -> throw new IllegalArgumentException("--controller: unknown controller '" + c
                    + "' (expected heuristic or zero)");
        };
    }
}
