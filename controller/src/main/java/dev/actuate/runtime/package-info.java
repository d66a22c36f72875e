/**
 * The real-time controller runtime: a fixed-rate {@link dev.actuate.runtime.ControlLoop} running
 * read → policy → safety → write against a {@link dev.actuate.hw.HardwareInterface}, with
 * preallocated {@link dev.actuate.runtime.LoopMetrics} and per-episode returns for HIL.
 */
package dev.actuate.runtime;
