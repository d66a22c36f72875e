package dev.actuate.sim;

import java.awt.Graphics2D;

/** An environment that can draw its current state with Java2D, offscreen. */
public interface Renderable {
    /** Draws the scene into a {@code width x height} canvas whose origin is the top-left corner. */
    void draw(Graphics2D g, int width, int height);
}
