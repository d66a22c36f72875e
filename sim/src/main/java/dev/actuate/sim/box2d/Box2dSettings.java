package dev.actuate.sim.box2d;

import org.jbox2d.common.Settings;

/**
 * JBox2D's global switches, set once before any world is built. Its defaults use a sin/cos lookup
 * table and fast approximations of abs, floor, ceil, round and atan2; those make the physics drift
 * from C++ Box2D (which Gymnasium's pybox2d wraps), so every Box2D env turns them off.
 */
public final class Box2dSettings {
    private Box2dSettings() {
    }

    /** Idempotent; call before creating a {@code World}. */
    public static void init() {
        Settings.SINCOS_LUT_ENABLED = false;
        Settings.FAST_ABS = false;
        Settings.FAST_FLOOR = false;
        Settings.FAST_CEIL = false;
        Settings.FAST_ROUND = false;
        Settings.FAST_ATAN2 = false;
    }
}
