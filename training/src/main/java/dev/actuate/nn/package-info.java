/**
 * The training engine: small MLPs on ND4J with hand-written backprop into preallocated buffers
 * ({@link dev.actuate.nn.Mlp}), Adam with global-norm clipping ({@link dev.actuate.nn.AdamOptimizer}), and the
 * small tested pieces algorithms share: Gaussian and tanh-squashed Gaussian math, a Gaussian policy, twin
 * critics and Polyak averaging. A value network or single critic is just an {@link dev.actuate.nn.Mlp} with
 * output size 1. The measured idioms it follows and their figures are in docs/benchmarks.md ("Training
 * engine").
 */
package dev.actuate.nn;
