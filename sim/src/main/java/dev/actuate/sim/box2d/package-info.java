/**
 * Gymnasium's Box2D environments ported to JBox2D: {@code LunarLanderContinuous-v3} and
 * {@code BipedalWalker-v3}, with their hand-written heuristic controllers and the shared
 * JBox2D set-up in {@link dev.actuate.sim.box2d.Box2dSettings}.
 */
package dev.actuate.sim.box2d;
