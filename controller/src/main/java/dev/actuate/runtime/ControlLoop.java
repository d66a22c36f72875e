package dev.actuate.runtime;

import dev.actuate.hw.EstopSource;
import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.StateSample;
import dev.actuate.hw.StateSignal;
import dev.actuate.hw.mqtt.NativeMqttAdapter;
import dev.actuate.runtime.safety.SafetyEvent;
import dev.actuate.runtime.safety.SafetyLayer;

/**
 * A fixed-rate loop running read → policy → safety → write, on a dedicated thread or the caller's.
 *
 * <p>Two triggers (see docs/runtime.md):
 * <ul>
 *   <li>{@link Trigger#PERIODIC} (default, ros2_control style): a cycle starts at each deadline of
 *       the loop's own grid. A state waits up to one period for the next cycle.</li>
 *   <li>{@link Trigger#STATE} (robot-clocked, as UR's RTDE or Franka's FCI): the adapter
 *       ({@link StateSignal}) unparks the loop when a state arrives and the cycle runs at once.
 *       The wait is bounded by an absolute deadline, {@code stateTimeoutPeriods} periods after the
 *       previous cycle's start (default 1.5, so robot jitter is not a miss). If no state arrives
 *       by then, the loop counts a missed cycle ({@link LoopMetrics#stateTimeouts()}), runs the
 *       cycle without a fresh state (so the watchdog sees the state age and the safe action goes
 *       out once it trips) and then keeps running every period until states return.</li>
 * </ul>
 *
 * <p>Periodic deadlines are absolute ({@code start + k * period}), so lateness does not accumulate. A cycle
 * that ends after the next deadline is an <em>overrun</em>; as in ros2_control's controller
 * manager, the loop then skips every deadline already past ({@code ceil(late / period)} of them,
 * counted as missed cycles) and stays on the original grid.
 *
 * <p>The policy runs only on a fresh state (a stateful policy must not see one observation twice);
 * the safety layer and the write run every cycle, so the robot gets a steady command stream and a
 * stale state turns into the safe action even when nothing arrives. Nothing in a cycle allocates
 * as long as the adapter and the policy do not. Adapter exceptions are counted as
 * {@link SafetyEvent#ADAPTER_ERROR} and the loop carries on; the loop stops when the adapter enters
 * {@link LifecycleState#ERROR} or {@link LifecycleState#FINALIZED}.
 *
 * <p>A read may return samples the adapter queued ({@link StateSample#more}: episode boundaries that
 * arrived between two cycles); the loop accounts each in the {@link EpisodeLog} and runs the policy
 * once, on the newest. On any stop but an adapter failure it can hold the safe action for a few
 * periods ({@link Builder#stopHoldCycles}) before returning.
 */
public final class ControlLoop {
    /** Why {@link #run()} returned. */
    public enum StopReason { NOT_STOPPED, REQUESTED, MAX_CYCLES, MAX_EPISODES, ADAPTER_FAILED }

    /** What starts a cycle. */
    public enum Trigger {
        /** The loop's own clock: one cycle per period on an absolute grid. */
        PERIODIC,
        /** A fresh state from the robot, bounded by a deadline; needs an adapter implementing {@link StateSignal}. */
        STATE;

        /** Parses {@code periodic} or {@code state}, naming the option in the error. */
        public static Trigger parse(String option, String s) {
            for (Trigger t : values()) {
                if (t.name().equalsIgnoreCase(s.trim())) {
                    return t;
                }
            }
            throw new IllegalArgumentException(option + ": '" + s + "' is not one of periodic, state");
        }

        /** Lower-case name for reports and JSON. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final HardwareInterface hw;
    private final Policy policy;
    private final SafetyLayer safety;
    private final LoopMetrics metrics;
    private final EpisodeLog episodes;
    private final LoopClock clock;
    private final long periodNanos;
    private final double rateHz;
    private final long maxCycles;
    private final int maxEpisodes;
    private final boolean localRoundTrip;
    private final Trigger trigger;
    private final int stopHoldCycles;
    /** The adapter's arrival signal with {@link Trigger#STATE}, else null. */
    private final StateSignal stateSignal;
    private final long stateTimeoutNanos;
    /** The robot's own e-stop topic, when the adapter has one; polled each cycle. */
    private final EstopSource estopSource;
    private long estopRequestsSeen;
    private long estopResetsSeen;

    private final StateSample sample;
    /** An episode started in a queued sample the policy did not see. */
    private boolean resetPending;
    private final boolean settleHeap;
    private final float[] observation;
    private final float[] action;
    private final double[] command;
    private volatile boolean stopRequested;
    private volatile StopReason stopReason = StopReason.NOT_STOPPED;
    private volatile Thread thread;

    private ControlLoop(Builder b) {
        this.hw = b.hw;
        this.policy = b.policy;
        this.safety = b.safety;
        this.rateHz = b.rateHz;
        this.periodNanos = Math.round(1e9 / b.rateHz);
        this.clock = b.clock;
        this.maxCycles = b.maxCycles;
        this.maxEpisodes = b.maxEpisodes;
        this.localRoundTrip = b.localRoundTrip;
        this.trigger = b.trigger;
        this.stopHoldCycles = b.stopHoldCycles;
        this.settleHeap = b.settleHeap;
        this.stateSignal = b.trigger == Trigger.STATE ? (StateSignal) b.hw : null;
        this.stateTimeoutNanos = Math.round(periodNanos * b.stateTimeoutPeriods);
        this.metrics = b.metrics != null ? b.metrics : new LoopMetrics();
        this.episodes = new EpisodeLog(b.episodeCapacity);
        this.estopSource = hw instanceof EstopSource e ? e : null;
        if (!localRoundTrip && hw instanceof NativeMqttAdapter n) {
            // The controller's side of the round trip: robot's state stamp -> command handed to the client.
            n.onStateToSend(metrics::recordRoundTrip);
        }
        if (estopSource != null) {
            // Requests from before the loop started still latch; only resets must come after them.
            estopResetsSeen = estopSource.estopResets();
        }
        int nState = hw.stateSignals().size();
        int nCommand = hw.commandSignals().size();
        this.sample = new StateSample(nState);
        this.observation = new float[nState];
        this.action = new float[nCommand];
        this.command = new double[nCommand];
    }

    public static Builder builder(HardwareInterface hw, Policy policy, SafetyLayer safety) {
        return new Builder(hw, policy, safety);
    }

    /** Loop options; the rate is required. */
    public static final class Builder {
        private final HardwareInterface hw;
        private final Policy policy;
        private final SafetyLayer safety;
        private double rateHz = Double.NaN;
        private LoopClock clock = LoopClock.SYSTEM;
        private LoopMetrics metrics;
        private long maxCycles = Long.MAX_VALUE;
        private int maxEpisodes = Integer.MAX_VALUE;
        private int episodeCapacity = 10_000;
        private boolean localRoundTrip = true;
        private Trigger trigger = Trigger.PERIODIC;
        private double stateTimeoutPeriods = 1.5;
        private int stopHoldCycles;
        private boolean settleHeap = true;

        private Builder(HardwareInterface hw, Policy policy, SafetyLayer safety) {
            this.hw = hw;
            this.policy = policy;
            this.safety = safety;
        }

        public Builder rateHz(double hz) {
            if (!(hz > 0 && hz <= 100_000)) {
                throw new IllegalArgumentException("rate must be in (0, 100000] Hz, got " + hz);
            }
            this.rateHz = hz;
            return this;
        }

        public Builder clock(LoopClock c) {
            this.clock = c;
            return this;
        }

        public Builder metrics(LoopMetrics m) {
            this.metrics = m;
            return this;
        }

        public Builder maxCycles(long n) {
            this.maxCycles = n;
            return this;
        }

        /** Stops after this many episodes reported by the robot. */
        public Builder maxEpisodes(int n) {
            this.maxEpisodes = n;
            return this;
        }

        public Builder episodeCapacity(int n) {
            this.episodeCapacity = n;
            return this;
        }

        /**
         * Whether the loop measures round trips itself as read → write (true, the default: right
         * for in-process adapters); false when the robot reports them through
         * {@link LoopMetrics#recordRoundTrip}.
         */
        public Builder localRoundTrip(boolean value) {
            this.localRoundTrip = value;
            return this;
        }

        public Builder trigger(Trigger t) {
            this.trigger = t;
            return this;
        }

        /**
         * With {@link Trigger#STATE}: how long after a cycle's start, in periods, a missing state
         * counts as missed (default 1.5; at least 1).
         */
        public Builder stateTimeoutPeriods(double periods) {
            if (!(periods >= 1 && periods <= 1000)) {
                throw new IllegalArgumentException("state timeout must be in [1, 1000] periods, got " + periods);
            }
            this.stateTimeoutPeriods = periods;
            return this;
        }

        /**
         * On any stop but an adapter failure, the loop sends the safe action for this many more
         * periods before it returns (default 0), so the robot is left holding it whatever the
         * last policy command was (Ctrl-C, duration or episodes reached).
         */
        public Builder stopHoldCycles(int n) {
            if (n < 0 || n > 10_000) {
                throw new IllegalArgumentException("stop hold must be in [0, 10000] cycles, got " + n);
            }
            this.stopHoldCycles = n;
            return this;
        }

        /**
         * Whether {@link #run} starts with one full garbage collection (default true), so that the young
         * collections during the run copy only what cycles allocate; off where many short runs share a JVM.
         */
        public Builder settleHeap(boolean value) {
            this.settleHeap = value;
            return this;
        }

        public ControlLoop build() {
            if (trigger == Trigger.STATE && !(hw instanceof StateSignal)) {
                throw new IllegalArgumentException("trigger state: adapter " + hw.getClass().getSimpleName()
                        + " cannot signal state arrivals; use the periodic trigger");
            }
            if (Double.isNaN(rateHz)) {
                throw new IllegalArgumentException("control loop: rate not set");
            }
            if (hw.commandSignals().size() != safety.safeAction().length) {
                throw new IllegalArgumentException("robot has " + hw.commandSignals().size()
                        + " command signals but the safety settings have " + safety.safeAction().length);
            }
            return new ControlLoop(this);
        }
    }

    /**
     * Runs the loop on a new thread named {@code actuate-control}. The JVM is prepared on the calling thread first
     * (JIT compilers out of real-time scheduling, the heap settled: {@link Builder#settleHeap}), so whatever the
     * caller starts after this (a simulated robot) is not paused by it.
     */
    public synchronized Thread start() {
        if (thread != null) {
            throw new IllegalStateException("control loop already started");
        }
        prepare();
        Thread t = new Thread(this::runCycles, "actuate-control");
        t.setPriority(Thread.MAX_PRIORITY);
        t.setDaemon(true);
        thread = t;
        t.start();
        return t;
    }

    /**
     * Asks the loop to stop after the current cycle. With the state trigger, a wait for a state
     * that ends at its deadline after this call returns without a cycle (no missed state counted).
     */
    public void stop() {
        stopRequested = true;
    }

    /** Waits for the loop thread to end; returns whether it did within the timeout. */
    public boolean join(long timeoutMillis) throws InterruptedException {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        t.join(timeoutMillis);
        return !t.isAlive();
    }

    /** Runs cycles on the calling thread until stopped or a limit is reached. */
    public StopReason run() {
        prepare();
        return runCycles();
    }

    /**
     * Under real-time scheduling the JIT compiler threads go back to normal scheduling ({@link JitThreads}).
     * Then one full collection before the first cycle moves everything set-up allocated (adapter, policy,
     * connections, histograms) out of the young generation. Otherwise each young collection during the run
     * copies it again until it ages out: pauses of 5-6 ms against under 1 ms (docs/runtime.md).
     */
    private void prepare() {
        JitThreads.demote();
        if (settleHeap) {
            System.gc();
        }
    }

    private StopReason runCycles() {
        if (stateSignal != null) {
            stateSignal.stateWaiter(Thread.currentThread());
        }
        try {
            StopReason reason = trigger == Trigger.STATE ? runOnState() : runPeriodic();
            if (reason != StopReason.ADAPTER_FAILED) {
                holdSafeAction();
            }
            stopReason = reason;
            return reason;
        } finally {
            if (stateSignal != null) {
                stateSignal.stateWaiter(null);
            }
        }
    }

    /** Why the loop must stop now, or null to go on. */
    private StopReason checkStop(long cycles) {
        if (stopRequested) {
            return StopReason.REQUESTED;
        }
        if (cycles >= maxCycles) {
            return StopReason.MAX_CYCLES;
        }
        if (episodes.completed() >= maxEpisodes) {
            return StopReason.MAX_EPISODES;
        }
        LifecycleState ls = hw.lifecycleState();
        if (ls == LifecycleState.ERROR || ls == LifecycleState.FINALIZED) {
            return StopReason.ADAPTER_FAILED;
        }
        return null;
    }

    private StopReason runPeriodic() {
        long deadline = clock.nanoTime();
        long cycles = 0;
        boolean haveState = false;
        while (true) {
            StopReason reason = checkStop(cycles);
            if (reason != null) {
                return reason;
            }
            clock.sleepUntil(deadline);
            long start = clock.nanoTime();
            haveState = cycle(haveState, readState());
            cycles++;
            long end = clock.nanoTime();
            metrics.recordCycle(start - deadline, end - start);
            deadline += periodNanos;
            accountOverrun(end - deadline);
            if (end - deadline > 0) {
                deadline += ((end - deadline) + periodNanos - 1) / periodNanos * periodNanos;
            }
        }
    }

    /**
     * Robot-clocked: wait for an arrival (or the deadline), then run the cycle at once. A wake-up
     * whose read finds nothing new (the state was consumed by the previous cycle's read) is not a
     * cycle: the loop waits again for the same deadline.
     */
    private StopReason runOnState() {
        long cycles = 0;
        boolean haveState = false;
        long seen = stateSignal.stateArrivals() - 1; // a state that is already there starts the first cycle
        long deadline = clock.nanoTime() + stateTimeoutNanos;
        while (true) {
            StopReason reason = checkStop(cycles);
            if (reason != null) {
                return reason;
            }
            boolean arrived = clock.awaitState(stateSignal, seen, deadline);
            if (!arrived && stopRequested) {
                // Asked to stop while waiting (the robot finished): not a missed state.
                return StopReason.REQUESTED;
            }
            long start = clock.nanoTime();
            // Taken before the read: a state landing after it wakes the next wait instead of being lost.
            seen = stateSignal.stateArrivals();
            boolean fresh = readState();
            if (arrived && !fresh) {
                continue;
            }
            haveState = cycle(haveState, fresh);
            cycles++;
            long end = clock.nanoTime();
            if (fresh) {
                metrics.recordCompute(end - start);
                deadline = start + stateTimeoutNanos;
            } else {
                // Timed out: the deadline grid continues every period until states return.
                metrics.recordCycle(start - deadline, end - start);
                if (haveState) {
                    metrics.recordStateTimeout(start);
                }
                deadline += periodNanos;
                if (end - deadline > 0) {
                    deadline = end + periodNanos;
                }
            }
            accountOverrun(end - (start + periodNanos));
        }
    }

    /** The orderly stop: the safe action for {@link Builder#stopHoldCycles} periods, answering no state. */
    private void holdSafeAction() {
        if (stopHoldCycles == 0) {
            return;
        }
        safety.safe(command);
        long deadline = clock.nanoTime();
        for (int i = 0; i < stopHoldCycles; i++) {
            clock.sleepUntil(deadline);
            try {
                hw.write(command, -1, -1);
            } catch (RuntimeException e) {
                safety.counters().increment(SafetyEvent.ADAPTER_ERROR);
                return;
            }
            deadline += periodNanos;
        }
    }

    private void accountOverrun(long late) {
        if (late > 0) {
            metrics.recordOverrun(late, (late + periodNanos - 1) / periodNanos);
        }
    }

    private boolean readState() {
        if (estopSource != null) {
            pollEstop();
        }
        try {
            boolean fresh = hw.read(sample);
            // Episode boundaries the adapter queued behind a slow cycle: account each, act on the newest.
            while (fresh && sample.more) {
                episodes.onSample(sample);
                resetPending |= sample.episodeStart;
                fresh = hw.read(sample);
            }
            return fresh;
        } catch (RuntimeException e) {
            safety.counters().increment(SafetyEvent.ADAPTER_ERROR);
            return false;
        }
    }

    private boolean cycle(boolean haveState, boolean fresh) {
        long readNanos = clock.nanoTime();
        if (fresh) {
            haveState = true;
            episodes.onSample(sample);
            if (sample.episodeStart || resetPending) {
                policy.reset();
                resetPending = false;
            }
            safety.clampState(sample.values);
            for (int i = 0; i < observation.length; i++) {
                observation[i] = (float) sample.values[i];
            }
            try {
                policy.act(observation, action);
            } catch (RuntimeException e) {
                // A throwing policy is treated like one returning NaN: the safe action goes out.
                java.util.Arrays.fill(action, Float.NaN);
            }
        }
        long ageMicros = 0;
        if (haveState) {
            ageMicros = clock.nowMicros() - sample.receivedMicros;
            metrics.recordStateAge(ageMicros * 1000);
        }
        safety.apply(hw.connected(), haveState, ageMicros, sample.values, action, command);
        try {
            // Before the first state there is nothing to echo: -1 tells the robot not to count a round trip.
            hw.write(command, haveState ? sample.sequence : -1, haveState ? sample.sentMicros : -1);
            policy.commandSent(command);
            if (fresh && localRoundTrip) {
                metrics.recordRoundTrip(clock.nanoTime() - readNanos);
            }
        } catch (RuntimeException e) {
            safety.counters().increment(SafetyEvent.ADAPTER_ERROR);
        }
        return haveState;
    }

    /** Latches on a new stop request; a reset counts only when it arrived after the last request. */
    private void pollEstop() {
        long requests = estopSource.estopRequests();
        long resets = estopSource.estopResets();
        if (requests != estopRequestsSeen) {
            estopRequestsSeen = requests;
            estopResetsSeen = resets;
            safety.estop().trip();
        } else if (resets != estopResetsSeen) {
            estopResetsSeen = resets;
            safety.estop().reset();
        }
    }

    public LoopMetrics metrics() {
        return metrics;
    }

    public EpisodeLog episodes() {
        return episodes;
    }

    public SafetyLayer safety() {
        return safety;
    }

    public double rateHz() {
        return rateHz;
    }

    public long periodNanos() {
        return periodNanos;
    }

    public Trigger trigger() {
        return trigger;
    }

    public StopReason stopReason() {
        return stopReason;
    }

    /** A copy of the last command written (for tests and reports; allocates). */
    public double[] lastCommand() {
        return command.clone();
    }
}
