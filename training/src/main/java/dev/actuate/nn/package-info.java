/**
 * The training engine: small MLPs on ND4J with hand-written backprop into preallocated buffers
 * ({@link dev.actuate.nn.Mlp}), Adam with global-norm clipping ({@link dev.actuate.nn.AdamOptimizer}), and the
 * small tested pieces algorithms share: Gaussian and tanh-squashed Gaussian math, a Gaussian policy, twin
 * critics and Polyak averaging. A value network or single critic is just an {@link dev.actuate.nn.Mlp} with
 * output size 1. See ../shared/notes/nd4j-fast-path.md for the measured idioms this follows.
 */
package dev.actuate.nn;
