package dev.actuate.runtime.safety;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SafetyPiecesTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void clipToLimits() {
        ActionClip c = new ActionClip(new double[] {-1, 0}, new double[] {1, 2});
        double[] a = {-3, 2.5};
        assertThat(c.apply(a)).isTrue();
        assertThat(a).containsExactly(-1, 2);
        double[] b = {0.5, 0};
        assertThat(c.apply(b)).isFalse();
        assertThat(b).containsExactly(0.5, 0);
        assertThatThrownBy(() -> new ActionClip(new double[] {1}, new double[] {0})).hasMessageContaining("min 1.0 > max 0.0");
    }

    @Test
    void rateLimitPerNominalPeriod() {
        // 10 units/s at 100 Hz: at most 0.1 per cycle; the second component is unlimited.
        RateLimiter r = new RateLimiter(new double[] {10, INF}, 0.01);
        double[] a = {1, 5};
        assertThat(r.apply(a)).as("first command passes").isFalse();
        a = new double[] {2, -5};
        assertThat(r.apply(a)).isTrue();
        assertThat(a[0]).isCloseTo(1.1, within(1e-12));
        assertThat(a[1]).isEqualTo(-5);
        a = new double[] {0, -5};
        r.apply(a);
        assertThat(a[0]).isCloseTo(1.0, within(1e-12));
        a = new double[] {1.05, -5};
        assertThat(r.apply(a)).isFalse();
        assertThat(a[0]).isEqualTo(1.05);
        r.reset(new double[] {0, 0});
        a = new double[] {1, 0};
        r.apply(a);
        assertThat(a[0]).isCloseTo(0.1, within(1e-12));
        assertThatThrownBy(() -> new RateLimiter(new double[] {0}, 0.01)).hasMessageContaining("max rate 0");
    }

    @Test
    void watchdogTimeoutIsExclusive() {
        Watchdog w = new Watchdog(0.02);
        assertThat(w.timeoutMicros()).isEqualTo(20_000);
        assertThat(w.expired(true, 20_000)).isFalse();
        assertThat(w.expired(true, 20_001)).isTrue();
        assertThat(w.expired(false, 0)).as("no state yet").isTrue();
    }

    @Test
    void finiteGuard() {
        assertThat(Finite.all(new double[] {0, -1e300})).isTrue();
        assertThat(Finite.all(new double[] {0, Double.NaN})).isFalse();
        assertThat(Finite.all(new double[] {Double.NEGATIVE_INFINITY})).isFalse();
        assertThat(Finite.all(new float[] {1f, Float.NaN})).isFalse();
        assertThat(Finite.all(new float[] {1f, Float.MAX_VALUE})).isTrue();
    }

    @Test
    void eStopLatchesUntilExplicitReset() {
        EStop e = new EStop();
        assertThat(e.latched()).isFalse();
        e.trip();
        e.trip();
        assertThat(e.latched()).isTrue();
        assertThat(e.trips()).isEqualTo(1);
        e.reset();
        assertThat(e.latched()).isFalse();
        e.trip();
        assertThat(e.trips()).isEqualTo(2);
    }

    @Test
    void startupRampIsLinearInCycles() {
        StartupRamp r = new StartupRamp(0.05, 0.01); // 5 cycles
        double[] factors = new double[7];
        for (int i = 0; i < factors.length; i++) {
            factors[i] = r.next();
        }
        assertThat(factors).containsExactly(0, 0.2, 0.4, 0.6, 0.8, 1, 1);
        r.restart();
        double[] a = {1.0, -1.0};
        r.apply(a, new double[] {0.5, 0});
        assertThat(a).containsExactly(0.5, 0);
        r.apply(a = new double[] {1.0, -1.0}, new double[] {0.5, 0});
        assertThat(a[0]).isCloseTo(0.6, within(1e-12));
        assertThat(a[1]).isCloseTo(-0.2, within(1e-12));
        StartupRamp none = new StartupRamp(0, 0.01);
        assertThat(none.next()).isEqualTo(1.0);
        assertThat(none.done()).isTrue();
    }

    @Test
    void settingsValidateAndNameTheField() {
        assertThatThrownBy(() -> new SafetySettings(new double[] {-1}, new double[] {1}, new double[] {2},
                new double[] {INF}, 0.1, 0)).hasMessageContaining("safe_action[0] = 2.0 is outside [-1.0, 1.0]");
        assertThatThrownBy(() -> new SafetySettings(new double[] {-1}, new double[] {1}, new double[] {0},
                new double[] {INF}, 0, 0)).hasMessageContaining("state_timeout");
        assertThatThrownBy(() -> new SafetySettings(new double[] {-1}, new double[] {1, 2}, new double[] {0},
                new double[] {INF}, 1, 0)).hasMessageContaining("max has 2 entries");
        SafetySettings s = SafetySettings.passThrough(
                java.util.List.of(new dev.actuate.hw.Signal("a", "", 0.2, 1), new dev.actuate.hw.Signal("b", "", -1, 1)), 0.1);
        assertThat(s.safeAction()).containsExactly(0.2, 0);
        assertThat(s.rampSeconds()).isZero();
    }

    @Test
    void layerPriorityAndCounting() {
        SafetyCounters c = new SafetyCounters();
        EStop e = new EStop();
        SafetySettings s = new SafetySettings(new double[] {-1, -1}, new double[] {1, 1}, new double[] {0, 0.5},
                new double[] {5, INF}, 0.1, 0);
        SafetyLayer l = new SafetyLayer(s, 0.01, c, e);
        double[] state = {0, 0};
        double[] cmd = new double[2];

        assertThat(l.apply(true, true, 0, state, new float[] {2f, -0.5f}, cmd)).isNull();
        assertThat(cmd).containsExactly(1, -0.5);
        assertThat(c.get(SafetyEvent.CLIPPED)).isEqualTo(1);

        // rate limit: 5/s at 100 Hz = 0.05 per cycle on component 0
        assertThat(l.apply(true, true, 0, state, new float[] {0f, 0f}, cmd)).isNull();
        assertThat(cmd[0]).isCloseTo(0.95, within(1e-12));
        assertThat(c.get(SafetyEvent.RATE_LIMITED)).isEqualTo(1);

        assertThat(l.apply(true, true, 100_001, state, new float[] {0f, 0f}, cmd)).isEqualTo(SafetyEvent.WATCHDOG);
        assertThat(cmd).containsExactly(0, 0.5);
        assertThat(l.apply(true, false, 0, state, new float[] {0f, 0f}, cmd)).isEqualTo(SafetyEvent.AWAITING_STATE);
        assertThat(l.apply(true, true, 0, new double[] {Double.NaN, 0}, new float[] {0f, 0f}, cmd)).isEqualTo(SafetyEvent.NAN_STATE);
        assertThat(l.apply(true, true, 0, state, new float[] {Float.NaN, 0f}, cmd)).isEqualTo(SafetyEvent.NAN_ACTION);
        assertThat(l.apply(false, true, 0, state, new float[] {0f, 0f}, cmd)).isEqualTo(SafetyEvent.DISCONNECTED);
        e.trip();
        // The e-stop wins over every other reason.
        assertThat(l.apply(false, false, 0, new double[] {Double.NaN, 0}, new float[] {Float.NaN, 0f}, cmd)).isEqualTo(SafetyEvent.ESTOP);
        assertThat(cmd).containsExactly(0, 0.5);
        e.reset();
        // After a safe action the rate limiter starts from it: 0 -> 0.05.
        assertThat(l.apply(true, true, 0, state, new float[] {1f, 1f}, cmd)).isNull();
        assertThat(cmd[0]).isCloseTo(0.05, within(1e-12));
        assertThat(cmd[1]).isEqualTo(1);
        assertThat(c.get(SafetyEvent.WATCHDOG)).isEqualTo(1);
        assertThat(c.get(SafetyEvent.AWAITING_STATE)).isEqualTo(1);
        assertThat(c.get(SafetyEvent.NAN_STATE)).isEqualTo(1);
        assertThat(c.get(SafetyEvent.NAN_ACTION)).isEqualTo(1);
        assertThat(c.get(SafetyEvent.ESTOP)).isEqualTo(1);
        assertThat(c.get(SafetyEvent.RATE_LIMITED)).isEqualTo(2);
        assertThat(c.get(SafetyEvent.DISCONNECTED)).isEqualTo(1);
        assertThat(c.total()).isEqualTo(9);
    }

    @Test
    void monitorLogsOnlyKindsThatRose() {
        SafetyCounters c = new SafetyCounters();
        try (SafetyMonitor m = new SafetyMonitor(c, 60_000)) {
            assertThat(m.logDeltas()).isZero();
            c.increment(SafetyEvent.WATCHDOG);
            c.increment(SafetyEvent.WATCHDOG);
            c.increment(SafetyEvent.CLIPPED);
            assertThat(m.logDeltas()).isEqualTo(2);
            assertThat(m.logDeltas()).isZero();
        }
    }
}
