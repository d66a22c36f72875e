package dev.actuate.sim;

import dev.actuate.sim.arm.PlanarArm;
import dev.actuate.sim.box2d.BipedalWalker;
import dev.actuate.sim.box2d.LunarLander;
import dev.actuate.sim.classic.MountainCarContinuous;
import dev.actuate.sim.classic.Pendulum;
import dev.actuate.sim.robot.DescribedEnv;
import dev.actuate.sim.robot.RobotDescription;
import dev.actuate.sim.robot.RobotDescriptionLoader;
import dev.actuate.sim.wrappers.TimeLimit;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The registry: {@link #make(String)} builds an env by id with its time limit applied. Besides the
 * registered ids, an id may be the path of a robot YAML with a {@code model:} section (it ends in
 * {@code .yaml} or {@code .yml}): the described robot's env. Plug-in jars register their envs
 * through {@link EnvProvider}. Every command resolves its env here, so all of them accept all three.
 */
public final class Envs {
    private static final Map<String, EnvSpec> SPECS = new LinkedHashMap<>();
    /** Robot descriptions by the path given, loaded once per process. */
    private static final Map<String, EnvSpec> DESCRIBED = new HashMap<>();
    /** Plug-in env ids and the provider class that registered each. */
    private static final Map<String, String> PROVIDERS = new HashMap<>();

    static {
        // Pendulum has no threshold in Gymnasium; -200 is the goal Actuate's results are judged by.
        register(new EnvSpec(Pendulum.ID, 200, -200.0, Pendulum::new));
        register(new EnvSpec(MountainCarContinuous.ID, 999, 90.0, MountainCarContinuous::new));
        register(new EnvSpec(LunarLander.ID, 1000, 200.0, LunarLander::new));
        register(new EnvSpec(BipedalWalker.ID, 1600, 300.0, () -> new BipedalWalker(false)));
        register(new EnvSpec(BipedalWalker.HARDCORE_ID, 2000, 300.0, () -> new BipedalWalker(true)));
        register(new EnvSpec(PlanarArm.ID, PlanarArm.MAX_EPISODE_STEPS, PlanarArm.REWARD_THRESHOLD, PlanarArm::new));
        // Plug-in jars already on the class path.
        loadPlugins(Envs.class.getClassLoader(), "the class path");
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

    /**
     * Registers every {@link EnvProvider} that {@code loader} finds; {@code source} names the jar(s)
     * in errors. Returns the number of envs registered.
     */
    public static synchronized int loadPlugins(ClassLoader loader, String source) {
        int n = 0;
        try {
            for (EnvProvider p : ServiceLoader.load(EnvProvider.class, loader)) {
                for (EnvSpec spec : p.envs()) {
                    EnvSpec known = SPECS.get(spec.id());
                    if (known != null && p.getClass().getName().equals(PROVIDERS.get(spec.id()))) {
                        continue; // the same plug-in again (on the class path and named, or named twice)
                    }
                    if (known != null) {
                        throw new IllegalArgumentException(source + ": plug-in " + p.getClass().getName()
                                + " registers env id '" + spec.id() + "', which is already registered");
                    }
                    register(spec);
                    PROVIDERS.put(spec.id(), p.getClass().getName());
                    n++;
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalArgumentException(source + ": cannot load an env plug-in: " + e.getMessage(), e);
        }
        return n;
    }

    public static synchronized EnvSpec spec(String id) {
        EnvSpec s = SPECS.get(id);
        if (s != null) {
            return s;
        }
        if (RobotDescriptionLoader.isDescriptionPath(id)) {
            s = DESCRIBED.get(id);
            if (s == null) {
                s = describedSpec(id, RobotDescriptionLoader.load(Path.of(id)));
                DESCRIBED.put(id, s);
            }
            return s;
        }
        throw new IllegalArgumentException("unknown env id '" + id + "'; known ids: " + String.join(", ", SPECS.keySet())
                + ", or the path of a robot YAML with a model: section");
    }

    /** The robot description behind an id, or null when the id is not a robot YAML's path. */
    public static RobotDescription description(String id) {
        if (SPECS.containsKey(id) || !RobotDescriptionLoader.isDescriptionPath(id)) {
            return null;
        }
        try (Env env = spec(id).factory().get()) {
            return ((DescribedEnv) env).description();
        }
    }

    /** The spec of a described robot under the id {@code id} (its path, as given). */
    public static EnvSpec describedSpec(String id, RobotDescription d) {
        return new EnvSpec(id, d.task().maxEpisodeSteps(), d.task().rewardThreshold(), () -> new DescribedEnv(d, id));
    }

    /** A name for files and directories: the id, or a robot YAML's file name without its extension. */
    public static String fileName(String id) {
        if (!RobotDescriptionLoader.isDescriptionPath(id)) {
            return id;
        }
        String f = Path.of(id).getFileName().toString();
        return f.substring(0, f.lastIndexOf('.'));
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
