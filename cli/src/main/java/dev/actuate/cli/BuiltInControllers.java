package dev.actuate.cli;

import dev.actuate.runtime.ControllerPolicy;
import dev.actuate.runtime.Policy;
import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;
import dev.actuate.sim.Heuristics;

import java.util.Arrays;
import java.util.List;

/**
 * The built-in controllers, one set for every command that takes {@code --controller} (eval, render, run,
 * demo): a sim {@link Controller} for eval and render, a run-time {@link Policy} for run and demo.
 */
final class BuiltInControllers {
    static final List<String> NAMES = List.of("heuristic", "random", "zero");
    /** For option descriptions (an annotation needs a constant). */
    static final String HELP = "heuristic (the env's hand-written controller), random (uniform in the action box, "
            + "from --seed) or zero (all-zero action)";

    private BuiltInControllers() {
    }

    /** The named controller for {@code env}; {@code random} draws from {@code seed}. */
    static Controller controller(String name, Env env, long seed) {
        int actions = env.actionSpace().dim();
        return switch (check(name)) {
            case "heuristic" -> Heuristics.forEnv(env.id());
            case "random" -> Heuristics.random(env.actionSpace(), seed);
            default -> obs -> new double[actions];
        };
    }

    /** The same as a run-time policy; {@code zero} allocates nothing per cycle. */
    static Policy policy(String name, Env env, long seed) {
        if (check(name).equals("zero")) {
            return (obs, action) -> Arrays.fill(action, 0f);
        }
        return new ControllerPolicy(controller(name, env, seed), env.observationSpace().dim());
    }

    private static String check(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("--controller: unknown controller '" + name + "' (expected "
                    + String.join(", ", NAMES) + ")");
        }
        return name;
    }
}
