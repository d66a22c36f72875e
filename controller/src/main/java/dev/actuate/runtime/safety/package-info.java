/**
 * The safety layer between the policy and the robot: e-stop, state watchdog, NaN/Inf guard,
 * startup ramp, clipping and rate limiting, each a small piece tested on its own and composed by
 * {@link dev.actuate.runtime.safety.SafetyLayer}. Events are counted per {@link
 * dev.actuate.runtime.safety.SafetyEvent} without allocation and logged off the control thread by
 * {@link dev.actuate.runtime.safety.SafetyMonitor}.
 */
package dev.actuate.runtime.safety;
