/**
 * Gymnasium-style wrappers: time limit, action clipping and rescaling, observation and reward
 * normalisation with shareable {@link dev.actuate.sim.wrappers.RunningMeanStd} statistics, and
 * episode statistics; and the sim-to-real aids (action and observation delay, observation noise, previous
 * actions in the observation) stacked by {@link dev.actuate.sim.wrappers.SimToReal}.
 */
package dev.actuate.sim.wrappers;
