package dev.actuate.sim.box2d;

import org.jbox2d.collision.broadphase.BroadPhase;
import org.jbox2d.collision.broadphase.DynamicTree;
import org.jbox2d.common.Settings;
import org.jbox2d.common.Vec2;
import org.jbox2d.dynamics.Body;
import org.jbox2d.dynamics.World;

/**
 * JBox2D set-up shared by the Box2D environments.
 *
 * <p>JBox2D 2.2.1.1 ships with a sin/cos lookup table and fast approximations of abs, floor,
 * ceil, round and atan2 switched on; they make its physics drift from C++ Box2D (which the
 * Gymnasium reference runs), so {@link #init()} switches them off. The flags are JVM-wide
 * statics read at call time, so {@link #init()} must run before any world is stepped; every
 * env calls it (via {@link #newWorld}) before building its world.
 *
 * <p>Sleep parameters are JBox2D's compile-time defaults, identical to C++ Box2D's
 * (b2_timeToSleep 0.5 s, b2_linearSleepTolerance 0.01 m/s, b2_angularSleepTolerance 2 deg);
 * LunarLander's "came to rest" rule depends on them.
 */
public final class Box2dSettings {
    /** Gymnasium's Box2D envs: 50 steps per second. */
    public static final int FPS = 50;
    /** Pixels per metre in the reference renderer. */
    public static final double SCALE = 30.0;
    public static final int VIEWPORT_W = 600;
    public static final int VIEWPORT_H = 400;
    /** Solver iterations used by the reference: {@code world.Step(1/FPS, 6*30, 2*30)}. */
    public static final int VELOCITY_ITERATIONS = 6 * 30;
    public static final int POSITION_ITERATIONS = 2 * 30;

    private static volatile boolean initialised;

    private Box2dSettings() {
    }

    /** Turns off JBox2D's lookup tables and fast-math approximations; idempotent and cheap. */
    public static void init() {
        if (initialised) {
            return;
        }
        synchronized (Box2dSettings.class) {
            Settings.SINCOS_LUT_ENABLED = false;
            Settings.SINCOS_LUT_LERP = false;
            Settings.FAST_ABS = false;
            Settings.FAST_FLOOR = false;
            Settings.FAST_CEIL = false;
            Settings.FAST_ROUND = false;
            Settings.FAST_ATAN2 = false;
            initialised = true;
        }
    }

    /**
     * A fresh world with the given gravity and sleeping allowed, after {@link #init()}, with
     * Actuate's corrections of JBox2D 2.2.1.1 towards Box2D 2.3: new contacts start enabled
     * ({@link Box2dWorldPool}) and two-point contacts use Box2D 2.3's threshold
     * ({@link Box2d23Solver}). {@code solvers} is the env's own; pass the same one for every world
     * the env builds, never one that another env's world is using.
     */
    public static World newWorld(double gravityX, double gravityY, Solvers solvers) {
        init();
        World world = new World(new Vec2((float) gravityX, (float) gravityY), new Box2dWorldPool());
        Box2d23Solver.install(world, solvers.parts);
        world.setAllowSleep(true);
        return world;
    }

    /**
     * Empties {@code world} for the next episode, so an env can rebuild its bodies in it instead of
     * constructing a new world (whose islands preallocate hundreds of contact constraints that
     * {@link #newWorld} then replaces, the larger part of a small robot's reset). It destroys the
     * bodies, and with them their joints, contacts and broad-phase proxies (contacts go back to the
     * world's pool, whose {@code init} resets them), and gives the world a fresh broad phase, so the
     * next bodies get the proxy ids, and hence the contact order, a new world would give them. Of
     * what a new world would reset, it keeps scratch capacity (overwritten before use) and the
     * previous step's 1/dt, which scales the first step's warm-start impulses: zero on new joints and
     * contacts either way. Sleeping is allowed again, as in a new world; gravity is kept. Not for a
     * world inside {@code step}. {@code DescribedEnvTest} replays contact-rich episodes in an emptied
     * world against new worlds, bit for bit.
     */
    public static void clear(World world) {
        Body b = world.getBodyList();
        while (b != null) {
            Body next = b.getNext();
            world.destroyBody(b);
            b = next;
        }
        if (world.getBodyCount() != 0 || world.getJointCount() != 0 || world.getContactCount() != 0) {
            throw new IllegalStateException("JBox2D world not empty after destroying its bodies");
        }
        world.getContactManager().m_broadPhase = new BroadPhase(new DynamicTree());
        world.setAllowSleep(true);
    }

    /** Contact solvers an env reuses across the worlds it builds (see {@link #newWorld}). */
    public static final class Solvers {
        final Box2d23Solver.Parts parts = new Box2d23Solver.Parts();
    }

    /** One reference time step: 1/FPS seconds, 180 velocity and 60 position iterations. */
    public static void step(World world) {
        world.step(1.0f / FPS, VELOCITY_ITERATIONS, POSITION_ITERATIONS);
    }
}
