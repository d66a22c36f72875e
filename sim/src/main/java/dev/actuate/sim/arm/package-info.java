/**
 * The planar two-link robot arm on JBox2D ({@code PlanarArm-v0}), its joint specification for
 * hardware configurations, its renderer and its IK + PD heuristic controller.
 */
package dev.actuate.sim.arm;
