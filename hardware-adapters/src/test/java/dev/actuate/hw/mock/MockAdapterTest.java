package dev.actuate.hw.mock;

import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.StateSample;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MockAdapterTest {
    private final AtomicLong clock = new AtomicLong(1_000);

    private MockAdapter active() {
        MockAdapter m = new MockAdapter(MockAdapter.signals("s", 3, -10, 10), MockAdapter.signals("c", 2, -1, 1), clock::get);
        m.configure();
        m.activate();
        return m;
    }

    @Test
    void echoesCommandsIntoNewStates() {
        MockAdapter m = active();
        StateSample s = new StateSample(3);
        assertThat(m.read(s)).isTrue();
        assertThat(s.sequence).isZero();
        assertThat(s.episodeStart).isTrue();
        clock.set(2_000);
        m.write(new double[] {0.5, -0.25}, 0, 1_000);
        assertThat(m.read(s)).isTrue();
        assertThat(s.values).containsExactly(0.5, -0.25, 0.0);
        assertThat(s.sequence).isEqualTo(1);
        assertThat(s.sentMicros).isEqualTo(2_000);
        assertThat(s.episodeStart).isFalse();
        assertThat(m.read(s)).isFalse();
        assertThat(m.lastAnsweredSequence()).isZero();
        assertThat(m.lastCommand()).containsExactly(0.5, -0.25);
    }

    @Test
    void stallStopsTheStreamAndNaNPoisonsOneState() {
        MockAdapter m = active();
        StateSample s = new StateSample(3);
        m.read(s);
        m.stall(true);
        clock.set(5_000);
        m.write(new double[] {1, 1}, 0, 0);
        assertThat(m.read(s)).isFalse();
        assertThat(s.receivedMicros).isEqualTo(1_000);
        assertThat(m.writes()).isEqualTo(1);
        m.stall(false);
        m.injectNaN(1);
        m.write(new double[] {1, 1}, 0, 0);
        m.read(s);
        assertThat(s.values[1]).isNaN();
        m.write(new double[] {1, 1}, 0, 0);
        m.read(s);
        assertThat(s.values[1]).isEqualTo(1.0);
        assertThatThrownBy(() -> m.injectNaN(3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void injectedFailuresAndLifecycle() {
        MockAdapter m = new MockAdapter(2, 1);
        assertThatThrownBy(() -> m.write(new double[] {0}, 0, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("UNCONFIGURED");
        m.configure();
        m.activate();
        m.failWrites(1);
        assertThatThrownBy(() -> m.write(new double[] {0}, 0, 0)).hasMessageContaining("injected");
        m.write(new double[] {0}, 0, 0);
        m.failReads(1);
        assertThatThrownBy(() -> m.read(new StateSample(2))).hasMessageContaining("injected");
        m.fail();
        assertThat(m.lifecycleState()).isEqualTo(LifecycleState.ERROR);
        assertThatThrownBy(() -> m.write(new double[] {0}, 0, 0)).hasMessageContaining("ERROR");
        m.configure();
        m.activate();
        m.write(new double[] {0.3}, 0, 0);
        assertThat(m.lastCommand()).containsExactly(0.3);
    }
}
