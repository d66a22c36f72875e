/**
 * Gymnasium-style wrappers: time limit, action clipping and rescaling, observation and reward
 * normalisation with shareable {@link dev.actuate.sim.wrappers.RunningMeanStd} statistics, and
 * episode statistics.
 */
package dev.actuate.sim.wrappers;
