package dev.actuate.runtime;

import dev.actuate.hw.mock.MockAdapter;
import dev.actuate.runtime.ControlLoop.Trigger;
import dev.actuate.runtime.safety.EStop;
import dev.actuate.runtime.safety.SafetyCounters;
import dev.actuate.runtime.safety.SafetyEvent;
import dev.actuate.runtime.safety.SafetyLayer;
import dev.actuate.runtime.safety.SafetySettings;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

/** The robot-clocked trigger: a cycle per arriving state, deadline-bounded waits, no allocation. */
class ControlLoopStateTriggerTest {
    private static final double HZ = 100;
    private final FakeClock clock = new FakeClock();
    private final SafetyCounters counters = new SafetyCounters();

    /** Limits [-1, 1], safe action -0.25, watchdog 50 ms, no ramp, no rate limit. */
    private static SafetySettings settings() {
        return settings(0.05);
    }

    private static SafetySettings settings(double stateTimeoutSeconds) {
        return new SafetySettings(new double[] {-1, -1}, new double[] {1, 1}, new double[] {-0.25, -0.25},
                new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, stateTimeoutSeconds, 0.0);
    }

    /** A mock robot that publishes only when told (commands are not echoed into states). */
    private static MockAdapter robot(java.util.function.LongSupplier micros) {
        MockAdapter m = new MockAdapter(MockAdapter.signals("s", 2, -10, 10), MockAdapter.signals("c", 2, -1, 1), micros);
        m.configure();
        m.activate(); // publishes state 0 = (0, 0)
        m.stall(true);
        return m;
    }

    @Test
    void eachArrivingStateRunsACycleAtOnceThenMissedStatesFallBackToDeadlinesAndTheWatchdog() {
        MockAdapter m = robot(clock::nowMicros);
        RecordingAdapter hw = new RecordingAdapter(m);
        List<Long> starts = new ArrayList<>();
        List<float[]> seen = new ArrayList<>();
        Policy p = (obs, action) -> {
            starts.add(clock.nanoTime());
            seen.add(obs.clone());
            action[0] = 0.05f * obs[0];
            action[1] = -0.05f * obs[0];
            int k = seen.size();
            if (k <= 10) {
                m.pushState(new double[] {k, -k}); // the robot answers at once, while the cycle is still running
            }
        };
        ControlLoop loop = ControlLoop.builder(hw, p, new SafetyLayer(settings(), 1 / HZ, counters, new EStop()))
                .rateHz(HZ).clock(clock).trigger(Trigger.STATE).maxCycles(19).build();
        assertThat(loop.trigger()).isEqualTo(Trigger.STATE);
        long t0 = clock.nanoTime();
        assertThat(loop.run()).isEqualTo(ControlLoop.StopReason.MAX_CYCLES);

        // States 0..10: one cycle each, in order, none waiting for a deadline (the fake clock never moved).
        assertThat(seen).hasSize(11);
        for (int k = 0; k <= 10; k++) {
            assertThat(seen.get(k)).containsExactly(k, -k);
            assertThat(starts.get(k)).isEqualTo(t0);
            assertThat(hw.answered.get(k)).isEqualTo(k);
            assertThat(hw.commands.get(k)).containsExactly((double) (0.05f * k), (double) (-0.05f * k));
        }
        // Then no state: deadlines at 1.5 periods after the last start, then every period (15, 25, ... 85 ms).
        // The last command is held while the state is younger than the 50 ms watchdog, then the safe action.
        assertThat(clock.nanoTime() - t0).isEqualTo(85_000_000L);
        for (int k = 11; k < 19; k++) {
            double held = 0.05f * 10;
            double[] expected = k < 15 ? new double[] {held, -held} : new double[] {-0.25, -0.25};
            assertThat(hw.commands.get(k)).as("cycle %d", k).containsExactly(expected);
            assertThat(hw.answered.get(k)).isEqualTo(10);
        }
        LoopMetrics metrics = loop.metrics();
        assertThat(metrics.cycles()).isEqualTo(19);
        assertThat(metrics.stateTimeouts()).isEqualTo(8);
        assertThat(metrics.missedCycles()).isEqualTo(8);
        assertThat(metrics.overruns()).isZero();
        assertThat(counters.get(SafetyEvent.WATCHDOG)).isEqualTo(4);
        assertThat(metrics.summary("period_error").count()).as("only timed-out cycles have a deadline").isEqualTo(8);
    }

    /** The settling collection before the first cycle ({@link ControlLoop.Builder#settleHeap}, on by default). */
    @Test
    void runStartsWithAFullCollection() {
        MockAdapter m = robot(clock::nowMicros);
        m.stall(false);
        ControlLoop loop = ControlLoop.builder(new RecordingAdapter(m), (obs, action) -> action[0] = 0,
                        new SafetyLayer(settings(), 1 / HZ, counters, new EStop()))
                .rateHz(HZ).clock(clock).maxCycles(1).build();
        long before = collections();
        loop.run();
        assertThat(collections() - before).as("collections during the run").isGreaterThanOrEqualTo(1);
    }

    private static long collections() {
        long n = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /**
     * As in {@code actuate demo}: the loop starts before its robot has sent anything and stops while
     * waiting for a state once the robot has finished. Neither is a fault: the cycles before the first
     * state hold the safe action as AWAITING_STATE (not WATCHDOG), and the stop is no missed state.
     */
    @Test
    void aLoopStartedBeforeItsRobotAndStoppedAfterItIsNeitherAWatchdogTripNorAMiss() {
        MockAdapter m = robot(clock::nowMicros);
        int[] reads = {0};
        RecordingAdapter hw = new RecordingAdapter(m) {
            @Override
            public boolean read(dev.actuate.hw.StateSample out) {
                return ++reads[0] > 4 && super.read(out); // the robot's first state lands on the 5th read
            }
        };
        ControlLoop[] loop = new ControlLoop[1];
        int[] calls = {0};
        Policy p = (obs, action) -> {
            if (++calls[0] < 4) {
                m.pushState(new double[] {calls[0], 0});
            } else {
                loop[0].stop(); // the robot's last state: it publishes nothing more
            }
        };
        loop[0] = ControlLoop.builder(hw, p, new SafetyLayer(settings(), 1 / HZ, counters, new EStop()))
                .rateHz(HZ).clock(clock).trigger(Trigger.STATE).build();
        assertThat(loop[0].run()).isEqualTo(ControlLoop.StopReason.REQUESTED);

        // Reads 2..4 time out with no state: three safe cycles; then four state cycles.
        assertThat(counters.get(SafetyEvent.AWAITING_STATE)).isEqualTo(3);
        assertThat(counters.get(SafetyEvent.WATCHDOG)).isZero();
        assertThat(hw.commands.subList(0, 3)).allSatisfy(c -> assertThat(c).containsExactly(-0.25, -0.25));
        assertThat(calls[0]).isEqualTo(4);
        assertThat(loop[0].metrics().cycles()).isEqualTo(7);
        assertThat(loop[0].metrics().stateTimeouts()).isZero();
        assertThat(loop[0].metrics().missedCycles()).isZero();
    }

    @Test
    void aStateArrivingAfterATimeoutResumesStateCycles() {
        MockAdapter m = robot(clock::nowMicros);
        int[] calls = new int[1];
        Policy p = (obs, action) -> {
            action[0] = obs[0] / 10;
            action[1] = 0;
            calls[0]++;
        };
        // Cycle 0 answers state 0; cycle 1 times out (at 15 ms) and the robot then publishes state 1.
        RecordingAdapter hw = new RecordingAdapter(m) {
            @Override
            public void write(double[] command, long seq, long sent) {
                super.write(command, seq, sent);
                if (commands.size() == 2) {
                    m.pushState(new double[] {7, 0});
                }
            }
        };
        ControlLoop loop = ControlLoop.builder(hw, p, new SafetyLayer(settings(), 1 / HZ, counters, new EStop()))
                .rateHz(HZ).clock(clock).trigger(Trigger.STATE).maxCycles(3).build();
        long t0 = clock.nanoTime();
        loop.run();
        assertThat(calls[0]).isEqualTo(2);
        assertThat(hw.answered).containsExactly(0L, 0L, 1L);
        assertThat(hw.commands.get(2)).containsExactly((double) (7f / 10), 0.0);
        assertThat(clock.nanoTime() - t0).isEqualTo(15_000_000L);
        assertThat(loop.metrics().stateTimeouts()).isEqualTo(1);
    }

    @Test
    void stateTriggerNeedsAnAdapterThatSignalsArrivals() {
        MockAdapter m = robot(clock::nowMicros);
        TimedAdapter plain = new TimedAdapter(m, new ArrayList<>());
        assertThatThrownBy(() -> ControlLoop.builder(plain, (o, a) -> { }, new SafetyLayer(settings(), 1 / HZ,
                counters, new EStop())).rateHz(HZ).trigger(Trigger.STATE).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("periodic");
        assertThat(Trigger.parse("--trigger", " State ")).isEqualTo(Trigger.STATE);
        assertThatThrownBy(() -> Trigger.parse("--trigger", "fast")).hasMessageContaining("--trigger");
    }

    /**
     * A robot thread publishes a state, waits for the answer, publishes the next: the loop parks and
     * is unparked by the adapter every cycle. Its thread allocates nothing in steady state.
     */
    @Test
    void parkedWakeUpsAllocateNothingOnTheLoopThread() throws Exception {
        MockAdapter m = robot(dev.actuate.hw.mqtt.MicroClock::nowMicros);
        Policy p = (obs, action) -> {
            action[0] = 0.01f * obs[0];
            action[1] = -0.01f * obs[1];
        };
        // A 10 s watchdog: a descheduled robot thread on a loaded machine must not trip a (logged, so
        // allocating) safety event; steady state is what this test measures.
        ControlLoop loop = ControlLoop.builder(m, p, new SafetyLayer(settings(10), 1 / HZ, counters, new EStop()))
                .rateHz(HZ).trigger(Trigger.STATE).build();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Thread t = loop.start();
        double[] state = new double[2];
        try {
            handshakes(m, state, 30_000);
            long b1 = mx.getThreadAllocatedBytes(t.getId());
            long c1 = loop.metrics().cycles();
            handshakes(m, state, 30_000);
            long b2 = mx.getThreadAllocatedBytes(t.getId());
            long c2 = loop.metrics().cycles();
            assertThat(c2 - c1).isGreaterThanOrEqualTo(30_000);
            assertThat(b2 - b1).as("bytes allocated over %d cycles", c2 - c1).isZero();
        } finally {
            loop.stop();
            m.pushState(state); // wake it so it sees the stop
            assertThat(loop.join(10_000)).isTrue();
        }
    }

    private static void handshakes(MockAdapter m, double[] state, int n) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        for (int i = 0; i < n; i++) {
            state[0] = i % 100;
            state[1] = -(i % 50);
            m.pushState(state);
            long seq = m.stateSequence();
            while (m.lastAnsweredSequence() != seq) {
                if (System.nanoTime() > deadline) {
                    fail("loop stopped answering states");
                }
                Thread.onSpinWait();
            }
        }
    }
}
