/** Micro benchmarks of the training engine; run by hand on a quiet machine, never in unit tests. */
package dev.actuate.nn.bench;
