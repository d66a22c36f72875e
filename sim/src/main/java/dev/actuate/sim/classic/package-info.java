/** Gymnasium's classic-control continuous envs in plain Java (Pendulum, MountainCarContinuous) and their heuristics. */
package dev.actuate.sim.classic;
