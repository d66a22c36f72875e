/**
 * The robot-side launcher, {@code actuate-controller} (the robot bundle's {@code bin/actuate-controller}): runs a
 * policy file against a robot described by its YAML, with nothing but the controller's own class path.
 */
package dev.actuate.launcher;
