/**
 * The robot as the controller sees it, after ros2_control's hardware interface: a lifecycle
 * ({@link dev.actuate.hw.LifecycleState}: configure, activate, read/write, deactivate, error), named
 * state and command {@link dev.actuate.hw.Signal}s with units and limits, and a preallocated
 * {@link dev.actuate.hw.StateSample} so the control loop reads without allocating. Adapters live in
 * sub-packages: {@code mqtt} over a broker (this module); {@code sim} in process and {@code robot}, the
 * other end (a simulator playing the robot for hardware-in-the-loop runs), in the {@code hil} module;
 * {@code mock}, a test fake, in this module's test-jar.
 */
package dev.actuate.hw;
