/**
 * Robot descriptions: a robot YAML's {@code model:}, {@code task:} and {@code randomize:} sections,
 * parsed into immutable records and built into a JBox2D environment ({@link dev.actuate.sim.robot.DescribedEnv}).
 */
package dev.actuate.sim.robot;
