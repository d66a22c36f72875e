package dev.actuate.runtime;

import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.OutOfRange;
import dev.actuate.hw.Signal;
import dev.actuate.hw.StateSample;
import dev.actuate.runtime.safety.EStop;
import dev.actuate.runtime.safety.SafetyCounters;
import dev.actuate.runtime.safety.SafetyEvent;
import dev.actuate.runtime.safety.SafetyLayer;
import dev.actuate.runtime.safety.SafetySettings;
import dev.actuate.runtime.safety.StateLimits;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** State limits, the orderly stop's safe action, and queued episode boundaries, on a scripted robot. */
class ControlLoopSafetyTest {
    private static final double HZ = 100;
    private static final double SAFE = -0.25;
    private final FakeClock clock = new FakeClock();
    private final SafetyCounters counters = new SafetyCounters();

    /** Hands out one scripted sample per read (fresh), then repeats the last one (not fresh); records writes. */
    private static final class ScriptedRobot implements HardwareInterface {
        final List<Signal> state;
        final Deque<StateSample> script = new ArrayDeque<>();
        final List<double[]> commands = new ArrayList<>();
        final List<Long> echoes = new ArrayList<>();
        StateSample last;

        ScriptedRobot(List<Signal> state) {
            this.state = state;
        }

        ScriptedRobot add(long seq, double... values) {
            StateSample s = new StateSample(values.length);
            System.arraycopy(values, 0, s.values, 0, values.length);
            s.sequence = seq;
            script.add(s);
            return this;
        }

        @Override
        public List<Signal> stateSignals() {
            return state;
        }

        @Override
        public List<Signal> commandSignals() {
            return List.of(new Signal("u", "", -1, 1), new Signal("v", "", -1, 1));
        }

        @Override
        public LifecycleState lifecycleState() {
            return LifecycleState.ACTIVE;
        }

        @Override
        public void configure() {
        }

        @Override
        public void activate() {
        }

        @Override
        public void deactivate() {
        }

        @Override
        public boolean read(StateSample out) {
            StateSample s = script.poll();
            if (s == null) {
                if (last != null) {
                    out.copyFrom(last);
                    out.more = false;
                }
                return false;
            }
            s.receivedMicros = clockMicros.getAsLong();
            last = s;
            out.copyFrom(s);
            return true;
        }

        java.util.function.LongSupplier clockMicros = () -> 0;

        @Override
        public void write(double[] command, long stateSequence, long stateSentMicros) {
            commands.add(command.clone());
            echoes.add(stateSequence);
        }

        @Override
        public void close() {
        }
    }

    private SafetySettings settings() {
        return new SafetySettings(new double[] {-1, -1}, new double[] {1, 1}, new double[] {SAFE, SAFE},
                new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, 1.0, 0.0);
    }

    @Test
    void outOfRangeStateSendsTheSafeActionAndClampSignalsAreClampedBeforeThePolicy() {
        List<Signal> state = List.of(new Signal("a", "", -1, 1), new Signal("b", "", 0, 5, OutOfRange.CLAMP));
        ScriptedRobot robot = new ScriptedRobot(state).add(0, 0.2, 1).add(1, 1e30, 1).add(2, 0.2, 9).add(3, 0.2, -3);
        robot.clockMicros = clock::nowMicros;
        List<float[]> seen = new ArrayList<>();
        Policy p = (obs, action) -> {
            seen.add(obs.clone());
            action[0] = obs[1] / 10;
            action[1] = obs[1] / 10;
        };
        ControlLoop loop = ControlLoop.builder(robot, p,
                        new SafetyLayer(settings(), 1 / HZ, counters, new EStop(), StateLimits.of(state)))
                .rateHz(HZ).clock(clock).maxCycles(4).build();
        loop.run();
        assertThat(robot.commands).hasSize(4);
        assertThat(robot.commands.get(0)[0]).isEqualTo(0.1, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(robot.commands.get(1)).containsExactly(SAFE, SAFE); // 1e30 in a safe-mode signal
        assertThat(seen.get(2)[1]).isEqualTo(5f);                        // 9 clamped to max 5
        assertThat(robot.commands.get(2)[0]).isEqualTo(0.5, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(seen.get(3)[1]).isEqualTo(0f);                        // -3 clamped to min 0
        assertThat(counters.get(SafetyEvent.STATE_OUT_OF_RANGE)).isEqualTo(1);
        assertThat(counters.get(SafetyEvent.STATE_CLAMPED)).isEqualTo(2);
        assertThat(counters.get(SafetyEvent.NAN_STATE)).isZero();
    }

    @Test
    void anOrderlyStopHoldsTheSafeActionForTheConfiguredPeriods() {
        List<Signal> state = List.of(new Signal("a", "", -10, 10), new Signal("b", "", -10, 10));
        ScriptedRobot robot = new ScriptedRobot(state).add(0, 1, 1).add(1, 1, 1).add(2, 1, 1);
        robot.clockMicros = clock::nowMicros;
        Policy full = (obs, action) -> java.util.Arrays.fill(action, 1f);
        ControlLoop loop = ControlLoop.builder(robot, full, new SafetyLayer(settings(), 1 / HZ, counters, new EStop()))
                .rateHz(HZ).clock(clock).maxCycles(3).stopHoldCycles(4).build();
        long t0 = clock.nanoTime();
        assertThat(loop.run()).isEqualTo(ControlLoop.StopReason.MAX_CYCLES);
        assertThat(robot.commands).hasSize(7);
        assertThat(robot.commands.get(2)).containsExactly(1.0, 1.0);
        for (int i = 3; i < 7; i++) {
            assertThat(robot.commands.get(i)).as("hold %d", i).containsExactly(SAFE, SAFE);
            assertThat(robot.echoes.get(i)).isEqualTo(-1L); // answers no state: no round trip counted
        }
        // One period apart: "a few periods", not a burst.
        assertThat(clock.nanoTime() - t0).isGreaterThanOrEqualTo(5 * 10_000_000L);
        assertThat(counters.total()).isZero();
    }

    @Test
    void queuedBoundariesAreAllCountedAndThePolicyActsOnTheNewestState() {
        List<Signal> state = List.of(new Signal("a", "", -10, 10), new Signal("b", "", -10, 10));
        ScriptedRobot robot = new ScriptedRobot(state);
        robot.clockMicros = clock::nowMicros;
        robot.add(0, 0, 0);
        robot.script.peekLast().episodeStart = true;
        robot.script.peekLast().steps = 0;
        robot.add(1, 1, 1);
        robot.script.peekLast().reward = 3;
        robot.script.peekLast().steps = 4;
        robot.script.peekLast().terminated = true;
        robot.script.peekLast().more = true; // the adapter had the next episode's start queued behind it
        robot.add(2, 2, 2);
        robot.script.peekLast().episodeStart = true;
        robot.script.peekLast().steps = 0;
        List<Float> acted = new ArrayList<>();
        int[] resets = new int[1];
        Policy p = new Policy() {
            @Override
            public void act(float[] obs, float[] action) {
                acted.add(obs[0]);
            }

            @Override
            public void reset() {
                resets[0]++;
            }
        };
        ControlLoop loop = ControlLoop.builder(robot, p, new SafetyLayer(settings(), 1 / HZ, counters, new EStop()))
                .rateHz(HZ).clock(clock).maxCycles(2).build();
        loop.run();
        assertThat(loop.episodes().completed()).isEqualTo(1);
        assertThat(loop.episodes().returns()).containsExactly(3.0);
        assertThat(loop.episodes().lengths()).containsExactly(4);
        assertThat(acted).containsExactly(0f, 2f); // never the terminal state: it was not the newest
        assertThat(resets[0]).isEqualTo(2);
    }
}
