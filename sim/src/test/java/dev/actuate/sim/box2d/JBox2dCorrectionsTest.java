package dev.actuate.sim.box2d;

import org.jbox2d.collision.shapes.EdgeShape;
import org.jbox2d.collision.shapes.PolygonShape;
import org.jbox2d.common.Vec2;
import org.jbox2d.dynamics.Body;
import org.jbox2d.dynamics.BodyDef;
import org.jbox2d.dynamics.BodyType;
import org.jbox2d.dynamics.FixtureDef;
import org.jbox2d.dynamics.World;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The corrections that make JBox2D 2.2.1.1 behave as Box2D 2.3, each against its defining case. */
class JBox2dCorrectionsTest {
    private static Body box(World world, float x, float y, float hx, float hy) {
        BodyDef bd = new BodyDef();
        bd.type = BodyType.DYNAMIC;
        bd.position.set(x, y);
        Body b = world.createBody(bd);
        PolygonShape s = new PolygonShape();
        s.setAsBox(hx, hy);
        FixtureDef fd = new FixtureDef();
        fd.shape = s;
        fd.density = 1f;
        b.createFixture(fd);
        return b;
    }

    private static void ground(World world) {
        EdgeShape e = new EdgeShape();
        e.set(new Vec2(-10, 0), new Vec2(10, 0));
        world.createBody(new BodyDef()).createFixture(e, 0f);
    }

    /**
     * A box falling 2 m per step onto a ground edge it does not yet overlap: the pair appears at
     * the end of the step's solve, and Box2D's time-of-impact pass stops the box at the surface.
     * With JBox2D's disabled new contacts the pass skipped it and the box ended 1 m under the ground.
     */
    @Test
    void aNewContactGetsTimeOfImpactInItsFirstStep() {
        World world = Box2dSettings.newWorld(0, 0, new Box2dSettings.Solvers());
        ground(world);
        Body b = box(world, 0, 1.2f, 0.5f, 0.5f);
        b.setLinearVelocity(new Vec2(0, -100));
        Box2dSettings.step(world);
        assertThat(b.getPosition().y - 0.5f).as("bottom of the box after one step").isGreaterThan(-0.05f);
    }

    @Test
    void aWorldWithoutTheCorrectionTunnels() {
        // Documents the JBox2D behaviour being corrected: same scene, stock world.
        Box2dSettings.init();
        World world = new World(new Vec2(0, 0));
        ground(world);
        Body b = box(world, 0, 1.2f, 0.5f, 0.5f);
        b.setLinearVelocity(new Vec2(0, -100));
        Box2dSettings.step(world);
        assertThat(b.getPosition().y).isLessThan(0f);
    }

    /** The lander's hull: inertia about the centroid from the exact polygon formula, in double. */
    @Test
    void polygonInertiaIsTheExactOne() {
        double[][] p = {{-14, 17}, {-17, 0}, {-17, -10}, {17, -10}, {17, 0}, {14, 17}};
        double area = 0;
        double cx = 0;
        double cy = 0;
        double iOrigin = 0;
        for (int i = 0; i < p.length; i++) {
            double x0 = p[i][0] / 30;
            double y0 = p[i][1] / 30;
            double x1 = p[(i + 1) % p.length][0] / 30;
            double y1 = p[(i + 1) % p.length][1] / 30;
            double c = x0 * y1 - x1 * y0;
            area += c / 2;
            cx += (x0 + x1) * c / 6;
            cy += (y0 + y1) * c / 6;
            iOrigin += c * (x0 * x0 + x0 * x1 + x1 * x1 + y0 * y0 + y0 * y1 + y1 * y1) / 12;
        }
        cx /= area;
        cy /= area;
        double density = 5;
        double mass = density * area;
        double iCentroid = density * iOrigin - mass * (cx * cx + cy * cy);

        World world = Box2dSettings.newWorld(0, 0, new Box2dSettings.Solvers());
        BodyDef bd = new BodyDef();
        bd.type = BodyType.DYNAMIC;
        Body body = world.createBody(bd);
        Vec2[] v = new Vec2[p.length];
        for (int i = 0; i < p.length; i++) {
            v[i] = new Vec2((float) (p[i][0] / 30), (float) (p[i][1] / 30));
        }
        PolygonShape shape = new PolygonShape();
        shape.set(v, v.length);
        FixtureDef fd = new FixtureDef();
        fd.shape = shape;
        fd.density = (float) density;
        body.createFixture(fd);
        float jbox2dInertia = body.getInertia();
        PolygonMass.reset(body);

        assertThat(body.getMass()).isCloseTo((float) mass, within((float) (1e-5 * mass)));
        assertThat(body.getLocalCenter().y).isCloseTo((float) cy, within(1e-5f));
        // getInertia() is about the body origin, as Box2D's GetInertia.
        double expected = iCentroid + mass * (cx * cx + cy * cy);
        assertThat((double) body.getInertia()).isCloseTo(expected, within(1e-5 * expected));
        assertThat((double) jbox2dInertia).as("JBox2D's own figure is too large").isGreaterThan(expected * 1.002);
    }
}
