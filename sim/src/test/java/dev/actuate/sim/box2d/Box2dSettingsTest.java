package dev.actuate.sim.box2d;

import org.jbox2d.common.MathUtils;
import org.jbox2d.common.Settings;
import org.jbox2d.dynamics.World;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Box2dSettingsTest {
    @Test
    void initSwitchesOffLookupTablesAndFastMath() {
        Box2dSettings.init();
        assertThat(Settings.SINCOS_LUT_ENABLED).isFalse();
        assertThat(Settings.FAST_ABS).isFalse();
        assertThat(Settings.FAST_FLOOR).isFalse();
        assertThat(Settings.FAST_CEIL).isFalse();
        assertThat(Settings.FAST_ROUND).isFalse();
        assertThat(Settings.FAST_ATAN2).isFalse();
        // With the table off, JBox2D's sin/cos/atan2 are the exact ones, as in C++ Box2D.
        for (float x : new float[] {0.1234f, 1.0f, -2.5f, 3.1f}) {
            assertThat(MathUtils.sin(x)).isEqualTo((float) StrictMath.sin(x));
            assertThat(MathUtils.cos(x)).isEqualTo((float) StrictMath.cos(x));
            assertThat(MathUtils.atan2(x, 0.7f)).isEqualTo((float) StrictMath.atan2(x, 0.7f));
        }
    }

    @Test
    void sleepParametersAreBox2dDefaults() {
        // LunarLander's "came to rest" ending depends on these (b2Settings.h values).
        assertThat(Settings.timeToSleep).isEqualTo(0.5f);
        assertThat(Settings.linearSleepTolerance).isEqualTo(0.01f);
        assertThat(Settings.angularSleepTolerance).isEqualTo(2.0f / 180.0f * (float) Math.PI); // float math, as b2_angularSleepTolerance
    }

    @Test
    void newWorldHasGravityAndAllowsSleep() {
        World world = Box2dSettings.newWorld(0, -7.5, new Box2dSettings.Solvers());
        assertThat(world.getGravity().x).isZero();
        assertThat(world.getGravity().y).isEqualTo(-7.5f);
        assertThat(world.isAllowSleep()).isTrue();
    }
}
