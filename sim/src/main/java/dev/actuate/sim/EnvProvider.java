package dev.actuate.sim;

import java.util.List;

/**
 * A source of environments outside Actuate: a plug-in jar lists its implementation in
 * {@code META-INF/services/dev.actuate.sim.EnvProvider}, and {@link Envs} registers its specs when
 * the jar is on the class path or loaded with {@link Envs#loadPlugins(ClassLoader, String)}.
 */
public interface EnvProvider {
    /** The specs to register; ids must not clash with registered ones. */
    List<EnvSpec> envs();
}
