package dev.actuate.runtime;

import dev.actuate.hw.StateSample;
import dev.actuate.hw.mock.MockAdapter;
import dev.actuate.hw.sim.SimAdapter;
import dev.actuate.runtime.safety.EStop;
import dev.actuate.runtime.safety.SafetyCounters;
import dev.actuate.runtime.safety.SafetyEvent;
import dev.actuate.runtime.safety.SafetyLayer;
import dev.actuate.runtime.safety.SafetySettings;
import dev.actuate.sim.Envs;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ControlLoopTest {
    private static final double HZ = 100;
    private final FakeClock clock = new FakeClock();
    private final SafetyCounters counters = new SafetyCounters();
    private final EStop estop = new EStop();

    private MockAdapter mock() {
        MockAdapter m = new MockAdapter(MockAdapter.signals("s", 2, -10, 10), MockAdapter.signals("c", 2, -1, 1), clock::nowMicros);
        m.configure();
        m.activate();
        return m;
    }

    /** Limits [-1, 1], safe action -0.25, timeout 50 ms, no ramp, no rate limit. */
    private SafetySettings settings() {
        return new SafetySettings(new double[] {-1, -1}, new double[] {1, 1}, new double[] {-0.25, -0.25},
                new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, 0.05, 0.0);
    }

    private ControlLoop loop(RecordingAdapter hw, Policy p, SafetySettings s, long cycles) {
        return ControlLoop.builder(hw, p, new SafetyLayer(s, 1 / HZ, counters, estop)).rateHz(HZ).clock(clock)
                .maxCycles(cycles).build();
    }

    /** A policy that knows which cycle it is in (fresh states arrive every cycle with MockAdapter). */
    private abstract static class CountingPolicy implements Policy {
        int calls;

        @Override
        public void act(float[] obs, float[] action) {
            Arrays.fill(action, 0.5f);
            onCycle(calls++);
        }

        abstract void onCycle(int k);
    }

    @Test
    void overrunsAndMissedCyclesAreCountedAndTheLoopStaysOnTheGrid() {
        RecordingAdapter hw = new RecordingAdapter(mock());
        long[] starts = new long[30];
        CountingPolicy p = new CountingPolicy() {
            @Override
            void onCycle(int k) {
                starts[k] = clock.t;
                // 1 ms of work, except stalls of 2.5, 2.5 and 3.5 periods.
                clock.advanceMillis(k == 5 || k == 12 ? 25 : k == 20 ? 35 : 1);
            }
        };
        ControlLoop loop = loop(hw, p, settings(), 30);
        assertThat(loop.run()).isEqualTo(ControlLoop.StopReason.MAX_CYCLES);
        LoopMetrics m = loop.metrics();
        assertThat(m.cycles()).isEqualTo(30);
        assertThat(m.overruns()).isEqualTo(3);
        // 25 ms from a 10 ms grid point ends 15 ms past the next deadline: 2 deadlines skipped; 35 ms: 3.
        assertThat(m.missedCycles()).isEqualTo(2 + 2 + 3);
        assertThat(p.calls).isEqualTo(30);
        // Absolute deadlines: every cycle starts on the 10 ms grid; cycle 6 at slot 8, cycle 13 at slot 17.
        long t0 = starts[0];
        assertThat(starts[6] - t0).isEqualTo(80_000_000L);
        assertThat(starts[13] - t0).isEqualTo(170_000_000L);
        assertThat(starts[21] - t0).isEqualTo(280_000_000L);
        for (long s : starts) {
            assertThat((s - t0) % 10_000_000L).isZero();
        }
        assertThat(m.summary("period_error").maxMicros()).isZero();
        assertThat(m.summary("overrun").count()).isEqualTo(3);
        assertThat(m.summary("compute").maxMicros()).isCloseTo(35_000, within(35.0));
        assertThat(counters.total()).isZero();
    }

    @Test
    void overrunAccountingOnTheLoopThread() throws Exception {
        // start()/join() run the loop on its own thread; the fake clock (advanced only by that thread,
        // read here after join) makes the counts exact. 25 Hz, stalls of 2.5 periods (100 ms) in
        // cycles 3, 7 and 11: each is one overrun ending 20 ms past the next deadline, 2 deadlines skipped.
        MockAdapter m = mock();
        AtomicInteger calls = new AtomicInteger();
        Policy p = (obs, action) -> {
            int k = calls.getAndIncrement();
            clock.advanceMillis(k == 3 || k == 7 || k == 11 ? 100 : 1);
        };
        SafetySettings s = SafetySettings.passThrough(m.commandSignals(), 1.0);
        ControlLoop loop = ControlLoop.builder(m, p, new SafetyLayer(s, 0.04, counters, estop)).rateHz(25)
                .clock(clock).maxCycles(14).build();
        Thread t = loop.start();
        assertThat(t.getName()).isEqualTo("actuate-control");
        assertThat(loop.join(10_000)).isTrue();
        assertThat(loop.stopReason()).isEqualTo(ControlLoop.StopReason.MAX_CYCLES);
        assertThat(calls.get()).isEqualTo(14);
        assertThat(loop.metrics().overruns()).isEqualTo(3);
        assertThat(loop.metrics().missedCycles()).isEqualTo(6);
        assertThat(counters.total()).isZero();
    }

    @Test
    void watchdogFiresWhenTheStateStreamStops() {
        MockAdapter m = mock();
        RecordingAdapter hw = new RecordingAdapter(m);
        CountingPolicy p = new CountingPolicy() {
            @Override
            void onCycle(int k) {
                if (k == 10) {
                    m.stall(true);
                }
            }
        };
        ControlLoop loop = loop(hw, p, settings(), 30);
        loop.run();
        // The last state was sent by cycle 9's write at 90 ms; cycle k sees it (10k - 90) ms old, and
        // the 50 ms timeout trips from cycle 15 on.
        assertThat(p.calls).isEqualTo(11);
        assertThat(counters.get(SafetyEvent.WATCHDOG)).isEqualTo(15);
        for (int k = 0; k < 30; k++) {
            double expected = k < 15 ? 0.5 : -0.25;
            assertThat(hw.commands.get(k)).as("cycle %d", k).containsExactly(expected, expected);
        }
        assertThat(loop.metrics().summary("state_age").maxMicros()).isCloseTo(200_000, within(200.0));
    }

    @Test
    void nanInTheStateSendsTheSafeAction() {
        MockAdapter m = mock();
        RecordingAdapter hw = new RecordingAdapter(m);
        CountingPolicy p = new CountingPolicy() {
            @Override
            void onCycle(int k) {
                if (k == 4) {
                    m.injectNaN(1);
                }
            }
        };
        loop(hw, p, settings(), 10).run();
        assertThat(counters.get(SafetyEvent.NAN_STATE)).isEqualTo(1);
        for (int k = 0; k < 10; k++) {
            double expected = k == 5 ? -0.25 : 0.5;
            assertThat(hw.commands.get(k)).as("cycle %d", k).containsExactly(expected, expected);
        }
    }

    @Test
    void nanFromThePolicyOrAThrowingPolicySendsTheSafeAction() {
        RecordingAdapter hw = new RecordingAdapter(mock());
        AtomicInteger k = new AtomicInteger();
        Policy p = (obs, action) -> {
            int c = k.getAndIncrement();
            if (c == 2) {
                throw new IllegalStateException("boom");
            }
            Arrays.fill(action, c == 4 ? Float.POSITIVE_INFINITY : 0.5f);
        };
        loop(hw, p, settings(), 6).run();
        assertThat(counters.get(SafetyEvent.NAN_ACTION)).isEqualTo(2);
        assertThat(hw.commands.get(2)).containsExactly(-0.25, -0.25);
        assertThat(hw.commands.get(4)).containsExactly(-0.25, -0.25);
        assertThat(hw.commands.get(3)).containsExactly(0.5, 0.5);
    }

    @Test
    void eStopStaysLatchedUntilResetThenRampsUpAgain() {
        RecordingAdapter hw = new RecordingAdapter(mock());
        CountingPolicy p = new CountingPolicy() {
            @Override
            void onCycle(int k) {
                if (k == 3) {
                    estop.trip();
                }
                if (k == 6) {
                    estop.trip(); // tripping again while latched changes nothing
                }
                if (k == 12) {
                    estop.reset();
                }
            }
        };
        // Ramp of 0.04 s = 4 cycles at 100 Hz, about the safe action -0.25.
        loop(hw, p, settings().withRamp(0.04), 20).run();
        assertThat(counters.get(SafetyEvent.ESTOP)).isEqualTo(9);
        assertThat(estop.trips()).isEqualTo(1);
        double[] ramp = {0, 0.25, 0.5, 0.75, 1};
        for (int k = 0; k < 20; k++) {
            double expected;
            if (k < 3) {
                expected = -0.25 + ramp[Math.min(k, 4)] * 0.75;
            } else if (k < 12) {
                expected = -0.25;
            } else {
                expected = -0.25 + ramp[Math.min(k - 12, 4)] * 0.75;
            }
            assertThat(hw.commands.get(k)[0]).as("cycle %d", k).isCloseTo(expected, within(1e-12));
        }
    }

    @Test
    void robotEstopTopicLatchesAndOnlyALaterResetReleases() {
        MockAdapter m = mock();
        RecordingAdapter hw = new RecordingAdapter(m);
        CountingPolicy p = new CountingPolicy() {
            @Override
            void onCycle(int k) {
                if (k == 2) {
                    m.requestEstop();
                }
                if (k == 5) {
                    m.requestEstop();
                    m.resetEstop(); // both within one cycle: order unknown, so it stays latched
                }
                if (k == 8) {
                    m.resetEstop();
                }
            }
        };
        loop(hw, p, settings(), 12).run();
        // The adapter is polled at the start of a cycle: requests made in cycle k act from cycle k + 1.
        for (int k = 0; k < 12; k++) {
            double expected = k >= 3 && k <= 8 ? -0.25 : 0.5;
            assertThat(hw.commands.get(k)[0]).as("cycle %d", k).isEqualTo(expected);
        }
        assertThat(counters.get(SafetyEvent.ESTOP)).isEqualTo(6);
    }

    @Test
    void adapterFailuresAreCountedAndTheLoopCarriesOnUntilTheAdapterErrors() {
        MockAdapter m = mock();
        CountingPolicy p = new CountingPolicy() {
            @Override
            void onCycle(int k) {
                if (k == 2) {
                    m.failWrites(2);
                    m.failReads(1);
                }
                if (k == 6) {
                    m.fail();
                }
            }
        };
        ControlLoop loop = loop(new RecordingAdapter(m), p, settings(), 100);
        assertThat(loop.run()).isEqualTo(ControlLoop.StopReason.ADAPTER_FAILED);
        // Cycle 2's and 3's writes throw and cycle 3's read throws, so cycles 3 and 4 have no fresh
        // state and do not call the policy; its 7th call (cycle 8) fails the adapter, whose write
        // then throws, and the loop stops before cycle 9.
        assertThat(counters.get(SafetyEvent.ADAPTER_ERROR)).isEqualTo(4);
        assertThat(loop.metrics().cycles()).isEqualTo(9);
    }

    @Test
    void steadyStateAllocatesNothingOnTheLoopThread() throws Exception {
        MockAdapter m = mock();
        SafetySettings s = settings().withRamp(0.5).withMaxRate(new double[] {10, 10});
        Policy p = (obs, action) -> {
            // Diverges through the echo, so the clip and the rate limiter keep acting.
            action[0] = -2f * obs[0] + 0.3f;
            action[1] = 3f * obs[1] - 0.1f;
        };
        ControlLoop loop = ControlLoop.builder(m, p, new SafetyLayer(s, 1 / HZ, counters, estop)).rateHz(HZ)
                .clock(clock).maxCycles(400_000).build();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Thread t = loop.start();
        waitForCycles(loop, 100_000);
        long c1 = loop.metrics().cycles();
        long b1 = mx.getThreadAllocatedBytes(t.getId());
        waitForCycles(loop, 300_000);
        long b2 = mx.getThreadAllocatedBytes(t.getId());
        long c2 = loop.metrics().cycles();
        loop.stop();
        assertThat(loop.join(10_000)).isTrue();
        assertThat(c2 - c1).isGreaterThan(100_000);
        assertThat(b2 - b1).as("bytes allocated over %d cycles", c2 - c1).isZero();
        assertThat(counters.total()).isGreaterThan(0); // the rate limiter and clip did act
        assertThat(counters.get(SafetyEvent.WATCHDOG)).isZero();
    }

    private static void waitForCycles(ControlLoop loop, long n) throws InterruptedException {
        while (loop.metrics().cycles() < n) {
            Thread.sleep(5);
        }
    }

    /** The policy hears of every command that went out, after the safety layer (previous-action policies). */
    @Test
    void thePolicyIsToldTheCommandActuallySentEveryCycle() {
        RecordingAdapter hw = new RecordingAdapter(mock());
        java.util.List<double[]> told = new java.util.ArrayList<>();
        Policy p = new Policy() {
            @Override
            public void act(float[] obs, float[] action) {
                Arrays.fill(action, 3f); // outside the limits [-1, 1]: the safety layer clips it
            }

            @Override
            public void commandSent(double[] command) {
                told.add(command.clone());
            }
        };
        loop(hw, p, settings(), 5).run();
        assertThat(told).hasSize(hw.commands.size()).hasSize(5);
        for (int i = 0; i < told.size(); i++) {
            assertThat(told.get(i)).containsExactly(hw.commands.get(i));
            assertThat(told.get(i)).containsExactly(1.0, 1.0);
        }
    }

    @Test
    void sameReturnsAsInProcessEvaluationWithTheSimAdapter() {
        long seed = 11;
        Policy pd = (obs, action) -> action[0] = -2f * obs[1] - 0.5f * obs[2];
        SimAdapter sim = new SimAdapter(Envs.make("Pendulum-v1"), seed);
        sim.configure();
        sim.activate();
        SafetySettings s = SafetySettings.passThrough(sim.commandSignals(), 1.0);
        ControlLoop loop = ControlLoop.builder(sim, pd, new SafetyLayer(s, 1 / HZ, counters, estop)).rateHz(HZ)
                .clock(clock).maxEpisodes(3).build();
        assertThat(loop.run()).isEqualTo(ControlLoop.StopReason.MAX_EPISODES);
        double[] expected = PolicyEvaluation.evaluate(Envs.make("Pendulum-v1"), pd, seed, 3);
        assertThat(loop.episodes().returns()).containsExactly(expected);
        assertThat(loop.episodes().lengths()).containsExactly(200, 200, 200);
        // The 601st cycle reads the state that ends episode 3 (and already answers episode 4's first).
        assertThat(loop.metrics().cycles()).isEqualTo(601);
        assertThat(sim.ignoredCommands()).isZero();
        assertThat(loop.metrics().summary("round_trip").count()).isEqualTo(601);
    }

    /**
     * A policy with its previous action in its input, deployed through the loop (which reports the commands it
     * sent) and evaluated in-process (where it uses its own actions): the same returns, so deployment rebuilds
     * the observation the policy was trained on.
     */
    @Test
    void aPreviousActionPolicyGetsTheSameReturnsThroughTheLoop() {
        java.util.Random r = new java.util.Random(3);
        float[] w0 = new float[4 * 8];
        float[] w1 = new float[8];
        for (int i = 0; i < w0.length; i++) {
            w0[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) r.nextGaussian();
        }
        dev.actuate.policy.PolicyFile p = new dev.actuate.policy.PolicyFile("Pendulum-v1", "sac",
                new dev.actuate.policy.PolicyFile.Observation(4, null, null, null),
                new dev.actuate.policy.PolicyFile.Action(1, new double[] {-2}, new double[] {2}, null, null,
                        LoadedModel.OutputMap.SQUASH_TO_BOX),
                java.util.List.of(new dev.actuate.policy.PolicyFile.Layer(4, 8, dev.actuate.nn.Activation.TANH, w0,
                                new float[8]),
                        new dev.actuate.policy.PolicyFile.Layer(8, 1, dev.actuate.nn.Activation.IDENTITY, w1,
                                new float[1])),
                null, new dev.actuate.policy.PolicyFile.SimToReal(0.05, 1, 0, new double[0], 1, new double[] {0.5}));
        long seed = 4;
        SimAdapter sim = new SimAdapter(Envs.make("Pendulum-v1"), seed);
        sim.configure();
        sim.activate();
        SafetySettings s = SafetySettings.passThrough(sim.commandSignals(), 1.0);
        ControlLoop loop = ControlLoop.builder(sim, p.toModel("loop"), new SafetyLayer(s, 1 / HZ, counters, estop))
                .rateHz(HZ).clock(clock).maxEpisodes(2).build();
        assertThat(loop.run()).isEqualTo(ControlLoop.StopReason.MAX_EPISODES);
        double[] expected = PolicyEvaluation.evaluate(Envs.make("Pendulum-v1"), p.toModel("eval"), seed, 2);
        assertThat(loop.episodes().returns()).containsExactly(expected);
        // With the history stuck at the initial action the same network is another policy: the check can fail.
        double[] frozenHistory = PolicyEvaluation.evaluate(Envs.make("Pendulum-v1"),
                (obs, action) -> p.toModel("x").act(obs, action), seed, 2);
        assertThat(frozenHistory).isNotEqualTo(expected);
    }

    @Test
    void episodeLogAddsRewardsAndSplitsAtDoneFlags() {
        EpisodeLog log = new EpisodeLog(1);
        StateSample s = new StateSample(1);
        s.episodeStart = true;
        s.steps = 0; // a reset is no step
        log.onSample(s);
        s.episodeStart = false;
        s.steps = 1;
        s.reward = 1.5;
        log.onSample(s);
        s.reward = 2;
        s.terminated = true;
        s.episodeStart = true;
        log.onSample(s);
        s.terminated = false;
        s.episodeStart = false;
        s.reward = 4;
        log.onSample(s);
        s.truncated = true;
        log.onSample(s);
        assertThat(log.completed()).isEqualTo(2);
        assertThat(log.returns()).containsExactly(3.5);
        assertThat(log.lengths()).containsExactly(2);
    }
}
