package dev.actuate.sim;

import dev.actuate.sim.arm.PlanarArm;
import dev.actuate.sim.box2d.BipedalWalker;
import dev.actuate.sim.box2d.LunarLander;
import dev.actuate.sim.classic.MountainCarContinuous;
import dev.actuate.sim.classic.Pendulum;
import dev.actuate.sim.wrappers.TimeLimit;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The registry: {@link #make(String)} builds an env by id with its time limit applied. */
public final class Envs {
    private static final Map<String, EnvSpec> SPECS = new LinkedHashMap<>();

    static {
        // Pendulum has no threshold in Gymnasium; -200 is the goal Actuate's results are judged by.
        register(new EnvSpec(Pendulum.ID, 200, -200.0, Pendulum::new));
        register(new EnvSpec(MountainCarContinuous.ID, 999, 90.0, MountainCarContinuous::new));
        register(new EnvSpec(LunarLander.ID, 1000, 200.0, LunarLander::new));
        register(new EnvSpec(BipedalWalker.ID, 1600, 300.0, () -> new BipedalWalker(false)));
        register(new EnvSpec(BipedalWalker.HARDCORE_ID, 2000, 300.0, () -> new BipedalWalker(true)));
        register(new EnvSpec(PlanarArm.ID, PlanarArm.MAX_EPISODE_STEPS, PlanarArm.REWARD_THRESHOLD, PlanarArm::new));
    }

    private Envs() {
    }

    public static synchronized void register(EnvSpec spec) {
        if (SPECS.containsKey(spec.id())) {
            throw new IllegalArgumentException("env id already registered: " + spec.id());
        }
        SPECS.put(spec.id(), spec);
    }

    public static synchronized Collection<EnvSpec> specs() {
        return Collections.unmodifiableCollection(SPECS.values());
    }

    public static synchronized EnvSpec spec(String id) {
        EnvSpec s = SPECS.get(id);
        if (s == null) {
            throw new IllegalArgumentException("unknown env id '" + id + "'; known ids: " + String.join(", ", SPECS.keySet()));
        }
        return s;
    }

    /** The env with its {@link TimeLimit}. */
    public static Env make(String id) {
        EnvSpec s = spec(id);
        return new TimeLimit(s.factory().get(), s.maxEpisodeSteps());
    }

    /** The env without any wrapper. */
    public static Env makeRaw(String id) {
        return spec(id).factory().get();
    }
}
