/**
 * Offscreen Java2D rendering of {@link dev.actuate.sim.Renderable} envs to PNG frames and animated
 * GIFs; headless, so it runs on servers and CI.
 */
package dev.actuate.sim.render;
