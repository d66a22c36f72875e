/**
 * The robot side of hardware-in-the-loop: {@link dev.actuate.hw.robot.MqttRobot} runs a simulator
 * env as an MQTT device speaking the native protocol, in real time or lock-stepped with the
 * controller, with optional latency and observation-noise injection.
 */
package dev.actuate.hw.robot;
