package dev.actuate.sim;

import dev.actuate.sim.arm.PlanarArmHeuristic;
import dev.actuate.sim.box2d.BipedalWalkerHeuristic;
import dev.actuate.sim.box2d.LunarLanderHeuristic;
import dev.actuate.sim.classic.MountainCarHeuristic;
import dev.actuate.sim.classic.PendulumHeuristic;

/** Hand-written controllers for the registered envs, and a seeded random one. */
public final class Heuristics {
    private Heuristics() {
    }

    /** The heuristic controller for an env id; a fresh instance, since some keep state. */
    public static Controller forEnv(String envId) {
        return switch (Envs.spec(envId).id()) {
            case "Pendulum-v1" -> new PendulumHeuristic();
            case "MountainCarContinuous-v0" -> new MountainCarHeuristic();
            case "LunarLanderContinuous-v3" -> new LunarLanderHeuristic();
            case "BipedalWalker-v3", "BipedalWalkerHardcore-v3" -> new BipedalWalkerHeuristic();
            case "PlanarArm-v0" -> new PlanarArmHeuristic();
            default -> throw new IllegalArgumentException("no heuristic controller for " + envId);
        };
    }

    /** Uniform random actions in the env's action space, from its own seeded generator. */
    public static Controller random(Box actionSpace, long seed) {
        Rng rng = new Rng(seed);
        return obs -> actionSpace.sample(rng);
    }
}
