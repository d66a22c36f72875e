package dev.actuate.hw.mock;

import dev.actuate.hw.EstopSource;
import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.mqtt.MicroClock;
import dev.actuate.hw.Signal;
import dev.actuate.hw.StateArrivals;
import dev.actuate.hw.StateSample;
import dev.actuate.hw.StateSignal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A fake robot for tests. Each accepted command is echoed into a new state
 * ({@code state[i] = command[i]} for the common indices, the rest kept), stamped from the given
 * microsecond clock. Tests can stop the state stream ({@link #stall}), poison the next state with
 * NaN ({@link #injectNaN}), push arbitrary states ({@link #pushState}), make reads or writes throw,
 * or drop the adapter into {@link LifecycleState#ERROR}.
 *
 * <p>Allocation-free on read and write; methods are synchronized because tests drive it from
 * another thread than the control loop.
 */
public final class MockAdapter implements HardwareInterface, EstopSource, StateSignal {
    private final List<Signal> stateSignals;
    private final List<Signal> commandSignals;
    private final LongSupplier clockMicros;
    private final StateSample latest;
    private final double[] lastCommand;
    private LifecycleState lifecycle = LifecycleState.UNCONFIGURED;
    private boolean fresh;
    private boolean stalled;
    private int nanIndex = -1;
    private int failReads;
    private int failWrites;
    private long writes;
    private long lastAnsweredSequence = -1;
    private final StateArrivals arrivals = new StateArrivals();
    private volatile long estopRequests;
    private volatile long estopResets;

    /** {@code stateSize} states {@code state/i} and {@code commandSize} commands {@code command/i} in [-1, 1]. */
    public MockAdapter(int stateSize, int commandSize) {
        this(signals("state", stateSize, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY),
                signals("command", commandSize, -1, 1), MicroClock::nowMicros);
    }

    public MockAdapter(List<Signal> stateSignals, List<Signal> commandSignals, LongSupplier clockMicros) {
        if (stateSignals.isEmpty() || commandSignals.isEmpty()) {
            throw new IllegalArgumentException("MockAdapter needs at least one state and one command signal");
        }
        this.stateSignals = List.copyOf(stateSignals);
        this.commandSignals = List.copyOf(commandSignals);
        this.clockMicros = clockMicros;
        this.latest = new StateSample(stateSignals.size());
        this.lastCommand = new double[commandSignals.size()];
    }

    public static List<Signal> signals(String prefix, int n, double min, double max) {
        List<Signal> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Signal(prefix + "/" + i, "", min, max));
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public List<Signal> stateSignals() {
        return stateSignals;
    }

    @Override
    public List<Signal> commandSignals() {
        return commandSignals;
    }

    @Override
    public synchronized LifecycleState lifecycleState() {
        return lifecycle;
    }

    @Override
    public synchronized void configure() {
        require("configure", lifecycle == LifecycleState.UNCONFIGURED || lifecycle == LifecycleState.INACTIVE
                || lifecycle == LifecycleState.ERROR);
        lifecycle = LifecycleState.INACTIVE;
    }

    /** Accepts commands and publishes an all-zero first state. */
    @Override
    public synchronized void activate() {
        require("activate", lifecycle == LifecycleState.INACTIVE);
        lifecycle = LifecycleState.ACTIVE;
        latest.episodeStart = true;
        produce();
    }

    @Override
    public synchronized void deactivate() {
        require("deactivate", lifecycle == LifecycleState.ACTIVE);
        lifecycle = LifecycleState.INACTIVE;
    }

    @Override
    public synchronized boolean read(StateSample out) {
        if (failReads > 0) {
            failReads--;
            throw new IllegalStateException("MockAdapter: injected read failure");
        }
        if (latest.sequence < 0) {
            return false;
        }
        out.copyFrom(latest);
        boolean wasFresh = fresh;
        fresh = false;
        return wasFresh;
    }

    @Override
    public synchronized void write(double[] command, long stateSequence, long stateSentMicros) {
        if (lifecycle != LifecycleState.ACTIVE) {
            throw new IllegalStateException("MockAdapter: write while " + lifecycle
                    + "; commands are accepted only while ACTIVE");
        }
        if (command.length != lastCommand.length) {
            throw new IllegalArgumentException("MockAdapter: command has length " + command.length
                    + ", expected " + lastCommand.length);
        }
        if (failWrites > 0) {
            failWrites--;
            throw new IllegalStateException("MockAdapter: injected write failure");
        }
        System.arraycopy(command, 0, lastCommand, 0, lastCommand.length);
        writes++;
        lastAnsweredSequence = stateSequence;
        if (!stalled) {
            int n = Math.min(command.length, latest.values.length);
            System.arraycopy(command, 0, latest.values, 0, n);
            latest.episodeStart = false;
            produce();
        }
    }

    private void produce() {
        if (nanIndex >= 0) {
            latest.values[nanIndex] = Double.NaN;
            nanIndex = -1;
        }
        latest.steps = latest.episodeStart ? 0 : 1;
        latest.sequence++;
        long now = clockMicros.getAsLong();
        latest.sentMicros = now;
        latest.receivedMicros = now;
        fresh = true;
        arrivals.signal();
    }

    /** Stops ({@code true}) or resumes the state stream: while stalled, commands produce no state. */
    public synchronized void stall(boolean value) {
        stalled = value;
    }

    /** The next produced state has NaN at {@code index}. */
    public synchronized void injectNaN(int index) {
        if (index < 0 || index >= latest.values.length) {
            throw new IllegalArgumentException("state index " + index + " out of range 0.." + (latest.values.length - 1));
        }
        nanIndex = index;
    }

    /** Publishes {@code values} as a new state now, as if the robot had sent it. */
    public synchronized void pushState(double[] values) {
        if (values.length != latest.values.length) {
            throw new IllegalArgumentException("state has length " + values.length + ", expected " + latest.values.length);
        }
        System.arraycopy(values, 0, latest.values, 0, values.length);
        latest.episodeStart = false;
        produce();
    }

    /** The next {@code n} reads throw {@link IllegalStateException}. */
    public synchronized void failReads(int n) {
        failReads = n;
    }

    /** The next {@code n} writes throw {@link IllegalStateException}. */
    public synchronized void failWrites(int n) {
        failWrites = n;
    }

    /** Drops into {@link LifecycleState#ERROR}: writes are then refused until configured and activated again. */
    public synchronized void fail() {
        lifecycle = LifecycleState.ERROR;
    }

    /** As if the robot's e-stop topic received a stop request. */
    public void requestEstop() {
        estopRequests++;
    }

    /** As if the robot's e-stop topic received a reset. */
    public void resetEstop() {
        estopResets++;
    }

    @Override
    public long estopRequests() {
        return estopRequests;
    }

    @Override
    public long estopResets() {
        return estopResets;
    }

    @Override
    public long stateArrivals() {
        return arrivals.stateArrivals();
    }

    @Override
    public void stateWaiter(Thread waiter) {
        arrivals.stateWaiter(waiter);
    }

    /** A copy of the last accepted command. */
    public synchronized double[] lastCommand() {
        return lastCommand.clone();
    }

    public synchronized long writes() {
        return writes;
    }

    /** The state sequence the last accepted command answered. */
    public synchronized long lastAnsweredSequence() {
        return lastAnsweredSequence;
    }

    public synchronized long stateSequence() {
        return latest.sequence;
    }

    @Override
    public synchronized void close() {
        lifecycle = LifecycleState.FINALIZED;
    }

    private void require(String op, boolean ok) {
        if (!ok) {
            throw new IllegalStateException("MockAdapter: cannot " + op + " while " + lifecycle);
        }
    }
}
