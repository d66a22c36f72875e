package dev.actuate.runtime;

import dev.actuate.hw.EstopSource;
import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.StateSample;
import dev.actuate.runtime.safety.SafetyEvent;
import dev.actuate.runtime.safety.SafetyLayer;

/**
 * A fixed-rate loop running read → policy → safety → write, on a dedicated thread or the caller's.
 *
 * <p>Deadlines are absolute ({@code start + k * period}), so lateness does not accumulate. A cycle
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
 */
public final class ControlLoop {
    /** Why {@link #run()} returned. */
    public enum StopReason { NOT_STOPPED, REQUESTED, MAX_CYCLES, MAX_EPISODES, ADAPTER_FAILED }

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
    /** The robot's own e-stop topic, when the adapter has one; polled each cycle. */
    private final EstopSource estopSource;
    private long estopRequestsSeen;
    private long estopResetsSeen;

    private final StateSample sample;
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
        this.metrics = b.metrics != null ? b.metrics : new LoopMetrics();
        this.episodes = new EpisodeLog(b.episodeCapacity);
        this.estopSource = hw instanceof EstopSource e ? e : null;
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

        public ControlLoop build() {
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

    /** Runs the loop on a new thread named {@code actuate-control}. */
    public synchronized Thread start() {
        if (thread != null) {
            throw new IllegalStateException("control loop already started");
        }
        Thread t = new Thread(this::run, "actuate-control");
        t.setPriority(Thread.MAX_PRIORITY);
        t.setDaemon(true);
        thread = t;
        t.start();
        return t;
    }

    /** Asks the loop to stop after the current cycle. */
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
        long deadline = clock.nanoTime();
        long cycles = 0;
        boolean haveState = false;
        StopReason reason;
        while (true) {
            if (stopRequested) {
                reason = StopReason.REQUESTED;
                break;
            }
            if (cycles >= maxCycles) {
                reason = StopReason.MAX_CYCLES;
                break;
            }
            if (episodes.completed() >= maxEpisodes) {
                reason = StopReason.MAX_EPISODES;
                break;
            }
            LifecycleState ls = hw.lifecycleState();
            if (ls == LifecycleState.ERROR || ls == LifecycleState.FINALIZED) {
                reason = StopReason.ADAPTER_FAILED;
                break;
            }
            clock.sleepUntil(deadline);
            long start = clock.nanoTime();
            haveState = cycle(haveState);
            cycles++;
            long end = clock.nanoTime();
            metrics.recordCycle(start - deadline, end - start);
            deadline += periodNanos;
            long late = end - deadline;
            if (late > 0) {
                long missed = (late + periodNanos - 1) / periodNanos;
                metrics.recordOverrun(late, missed);
                deadline += missed * periodNanos;
            }
        }
        stopReason = reason;
        return reason;
    }

    private boolean cycle(boolean haveState) {
        long readNanos = clock.nanoTime();
        if (estopSource != null) {
            pollEstop();
        }
        boolean fresh = false;
        try {
            fresh = hw.read(sample);
        } catch (RuntimeException e) {
            safety.counters().increment(SafetyEvent.ADAPTER_ERROR);
        }
        if (fresh) {
            haveState = true;
            episodes.onSample(sample);
            if (sample.episodeStart) {
                policy.reset();
            }
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

    public StopReason stopReason() {
        return stopReason;
    }

    /** A copy of the last command written (for tests and reports; allocates). */
    public double[] lastCommand() {
        return command.clone();
    }
}
