/** The in-process simulated robot: an {@link dev.actuate.sim.Env} behind the hardware interface. */
package dev.actuate.hw.sim;
