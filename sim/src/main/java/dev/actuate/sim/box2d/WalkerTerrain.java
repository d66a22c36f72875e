package dev.actuate.sim.box2d;

import dev.actuate.sim.Rng;
import org.jbox2d.collision.shapes.EdgeShape;
import org.jbox2d.collision.shapes.PolygonShape;
import org.jbox2d.common.Vec2;
import org.jbox2d.dynamics.BodyDef;
import org.jbox2d.dynamics.FixtureDef;
import org.jbox2d.dynamics.World;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The walker's terrain (grass random walk; hardcore adds stumps, stairs and pits) and the
 * decorative clouds, generated with the reference's sequence of random draws, then turned into
 * static bodies in the reference's creation order (obstacle blocks first, then the edges).
 */
final class WalkerTerrain {
    static final double SCALE = BipedalWalker.SCALE;
    static final double TERRAIN_STEP = 14 / SCALE;
    static final int TERRAIN_LENGTH = 200;
    static final double TERRAIN_HEIGHT = BipedalWalker.VIEWPORT_H / SCALE / 4;
    static final int TERRAIN_GRASS = 10;
    static final int TERRAIN_STARTPAD = 20;
    static final float FRICTION = 2.5f;
    static final int CLOUDS = TERRAIN_LENGTH / 20;

    private static final int GRASS = 0;
    private static final int STUMP = 1;
    private static final int STAIRS = 2;
    private static final int PIT = 3;
    private static final int STATES = 4;

    /** Surface points; edge i joins point i and i + 1. */
    final double[] x = new double[TERRAIN_LENGTH];
    final double[] y = new double[TERRAIN_LENGTH];
    /** Hardcore blocks (stumps, stair steps, pit walls), each four vertices {x0,y0,..,x3,y3}. */
    final List<double[]> obstacles = new ArrayList<>();
    /** Cloud pentagons {x0,y0,..,x4,y4} with their x extent, for the parallax background. */
    final double[][] clouds = new double[CLOUDS][10];
    final double[] cloudX1 = new double[CLOUDS];
    final double[] cloudX2 = new double[CLOUDS];

    private WalkerTerrain() {
    }

    /** Draws the terrain, then the clouds, from {@code rng} (the reference's order). */
    static WalkerTerrain generate(Rng rng, boolean hardcore) {
        WalkerTerrain t = new WalkerTerrain();
        t.generateTerrain(rng, hardcore);
        t.generateClouds(rng);
        return t;
    }

    private void generateTerrain(Rng rng, boolean hardcore) {
        int state = GRASS;
        double velocity = 0.0;
        double h = TERRAIN_HEIGHT;
        int counter = TERRAIN_STARTPAD;
        boolean oneshot = false;
        int stairSteps = 0;
        int stairWidth = 0;
        int stairHeight = 0;
        double originalY = 0;
        final double st = TERRAIN_STEP;
        for (int i = 0; i < TERRAIN_LENGTH; i++) {
            double px = i * st;
            x[i] = px;
            if (state == GRASS && !oneshot) {
                velocity = 0.8 * velocity + 0.01 * Math.signum(TERRAIN_HEIGHT - h);
                if (i > TERRAIN_STARTPAD) {
                    velocity += rng.uniform(-1, 1) / SCALE;
                }
                h += velocity;
            } else if (state == PIT && oneshot) {
                counter = rng.integers(3, 5);
                double[] wall = {px, h, px + st, h, px + st, h - 4 * st, px, h - 4 * st};
                obstacles.add(wall);
                double[] far = wall.clone();
                for (int k = 0; k < 8; k += 2) {
                    far[k] += st * counter;
                }
                obstacles.add(far);
                counter += 2;
                originalY = h;
            } else if (state == PIT) {
                h = originalY;
                if (counter > 1) {
                    h -= 4 * st;
                }
            } else if (state == STUMP && oneshot) {
                counter = rng.integers(1, 3);
                obstacles.add(new double[] {px, h, px + counter * st, h,
                        px + counter * st, h + counter * st, px, h + counter * st});
            } else if (state == STAIRS && oneshot) {
                stairHeight = rng.random() > 0.5 ? 1 : -1;
                stairWidth = rng.integers(4, 5); // always 4, but a call in the reference's sequence
                stairSteps = rng.integers(3, 5);
                originalY = h;
                for (int s = 0; s < stairSteps; s++) {
                    double x0 = px + (s * stairWidth) * st;
                    double x1 = px + ((1 + s) * stairWidth) * st;
                    double yTop = h + (s * stairHeight) * st;
                    double yBottom = h + (-1 + s * stairHeight) * st;
                    obstacles.add(new double[] {x0, yTop, x1, yTop, x1, yBottom, x0, yBottom});
                }
                counter = stairSteps * stairWidth;
            } else if (state == STAIRS) {
                int s = stairSteps * stairWidth - counter - stairHeight;
                double n = (double) s / stairWidth;
                h = originalY + (n * stairHeight) * st;
            }
            oneshot = false;
            y[i] = h;
            counter--;
            if (counter == 0) {
                counter = rng.integers(TERRAIN_GRASS / 2, TERRAIN_GRASS);
                state = (state == GRASS && hardcore) ? rng.integers(1, STATES) : GRASS;
                oneshot = true;
            }
        }
    }

    private void generateClouds(Rng rng) {
        double cy = BipedalWalker.VIEWPORT_H / SCALE * 3 / 4;
        for (int c = 0; c < CLOUDS; c++) {
            double cx = rng.uniform(0, TERRAIN_LENGTH) * TERRAIN_STEP;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < 5; a++) {
                double px = cx + 15 * TERRAIN_STEP * Math.sin(3.14 * 2 * a / 5) + rng.uniform(0, 5 * TERRAIN_STEP);
                double py = cy + 5 * TERRAIN_STEP * Math.cos(3.14 * 2 * a / 5) + rng.uniform(0, 5 * TERRAIN_STEP);
                clouds[c][2 * a] = px;
                clouds[c][2 * a + 1] = py;
                lo = Math.min(lo, px);
                hi = Math.max(hi, px);
            }
            cloudX1[c] = lo;
            cloudX2[c] = hi;
        }
    }

    /** Creates the static bodies: obstacle blocks (as generated), then the surface edges. */
    void build(World world) {
        BodyDef bd = new BodyDef(); // static at the origin
        PolygonShape poly = new PolygonShape();
        FixtureDef pfd = new FixtureDef();
        pfd.shape = poly;
        pfd.friction = FRICTION;
        Vec2[] v = {new Vec2(), new Vec2(), new Vec2(), new Vec2()};
        for (double[] o : obstacles) {
            for (int k = 0; k < 4; k++) {
                v[k].set((float) o[2 * k], (float) o[2 * k + 1]);
            }
            poly.set(v, 4); // JBox2D computes the hull, so the reference's clockwise order is fine
            world.createBody(bd).createFixture(pfd);
        }
        EdgeShape edge = new EdgeShape();
        FixtureDef efd = new FixtureDef();
        efd.shape = edge;
        efd.friction = FRICTION;
        efd.filter.categoryBits = 0x0001;
        Vec2 a = new Vec2();
        Vec2 b = new Vec2();
        for (int i = 0; i < TERRAIN_LENGTH - 1; i++) {
            a.set((float) x[i], (float) y[i]);
            b.set((float) x[i + 1], (float) y[i + 1]);
            edge.set(a, b);
            world.createBody(bd).createFixture(efd);
        }
    }

    List<double[]> obstacles() {
        return Collections.unmodifiableList(obstacles);
    }
}
