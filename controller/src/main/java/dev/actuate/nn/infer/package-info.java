/** Allocation-free plain-Java inference of trained networks for the run-time control loop (no ND4J). */
package dev.actuate.nn.infer;
