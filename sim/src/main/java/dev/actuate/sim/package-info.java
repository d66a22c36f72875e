/**
 * The simulator: the Gymnasium-style {@link dev.actuate.sim.Env} contract, the registry
 * ({@link dev.actuate.sim.Envs}), vectorised stepping ({@link dev.actuate.sim.VectorEnv}),
 * controllers and evaluation.
 */
package dev.actuate.sim;
