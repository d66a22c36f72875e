package dev.actuate.hw.sim;

import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.mqtt.MicroClock;
import dev.actuate.hw.Signal;
import dev.actuate.hw.StateArrivals;
import dev.actuate.hw.StateSample;
import dev.actuate.hw.StateSignal;
import dev.actuate.sim.Box;
import dev.actuate.sim.Env;
import dev.actuate.sim.ResetResult;
import dev.actuate.sim.StepResult;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An in-process {@link Env} playing the robot. The env steps on {@link #write}, i.e. lock-stepped
 * with the controller, exactly as {@code actuate robot --lockstep} does over MQTT: each command
 * that answers the newest state advances the env by one step; a command answering an older state
 * is ignored (counted in {@link #ignoredCommands()}), so a loop that runs faster than the robot
 * cannot step it twice on one observation.
 *
 * <p>The sample after a step carries that step's reward and done flags; when the step ended the
 * episode the env is reset at once with seed {@code seed + episode} and the sample's values are
 * the new episode's first observation, flagged {@code episodeStart}. The first sample after
 * {@link #activate()} is the first observation of episode 0, also flagged {@code episodeStart}.
 *
 * <p>Single-threaded: read and write come from the control thread. {@code Env.step} allocates
 * its result, so this adapter is not allocation-free; {@code MockAdapter} is.
 */
public final class SimAdapter implements HardwareInterface, StateSignal {
    private final Env env;
    private final long seed;
    private final List<Signal> stateSignals;
    private final List<Signal> commandSignals;
    private final StateSample latest;
    private final double[] action;
    private volatile LifecycleState lifecycle = LifecycleState.UNCONFIGURED;
    private boolean fresh;
    private long episode = -1;
    private long sequence = -1;
    private long steps;
    private long ignoredCommands;
    private final StateArrivals arrivals = new StateArrivals();

    /** @param seed episode {@code k} is reset with {@code seed + k} */
    public SimAdapter(Env env, long seed) {
        this.env = env;
        this.seed = seed;
        this.stateSignals = signals("obs", env.observationSpace(), "");
        this.commandSignals = signals("action", env.actionSpace(), "");
        this.latest = new StateSample(env.observationSpace().dim());
        this.action = new double[env.actionSpace().dim()];
    }

    private static List<Signal> signals(String prefix, Box space, String unit) {
        List<Signal> out = new ArrayList<>(space.dim());
        for (int i = 0; i < space.dim(); i++) {
            out.add(new Signal(prefix + "/" + i, unit, space.low(i), space.high(i)));
        }
        return Collections.unmodifiableList(out);
    }

    public Env env() {
        return env;
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
    public LifecycleState lifecycleState() {
        return lifecycle;
    }

    @Override
    public void configure() {
        requireState("configure", LifecycleState.UNCONFIGURED, LifecycleState.INACTIVE, LifecycleState.ERROR);
        lifecycle = LifecycleState.INACTIVE;
    }

    /** Starts a new episode (seed {@code seed + episode}) and accepts commands. */
    @Override
    public void activate() {
        requireState("activate", LifecycleState.INACTIVE);
        try {
            startEpisode(0.0, false, false);
        } catch (RuntimeException e) {
            lifecycle = LifecycleState.ERROR;
            throw e;
        }
        lifecycle = LifecycleState.ACTIVE;
    }

    @Override
    public void deactivate() {
        requireState("deactivate", LifecycleState.ACTIVE);
        lifecycle = LifecycleState.INACTIVE;
    }

    @Override
    public boolean read(StateSample out) {
        if (sequence < 0) {
            return false;
        }
        out.copyFrom(latest);
        boolean wasFresh = fresh;
        fresh = false;
        return wasFresh;
    }

    @Override
    public void write(double[] command, long stateSequence, long stateSentMicros) {
        if (lifecycle != LifecycleState.ACTIVE) {
            throw new IllegalStateException("SimAdapter(" + env.id() + "): write while " + lifecycle
                    + "; commands are accepted only while ACTIVE");
        }
        if (command.length != action.length) {
            throw new IllegalArgumentException("SimAdapter(" + env.id() + "): command has length "
                    + command.length + ", expected " + action.length);
        }
        if (stateSequence != sequence) {
            ignoredCommands++;
            return;
        }
        System.arraycopy(command, 0, action, 0, action.length);
        StepResult r;
        try {
            r = env.step(action);
        } catch (RuntimeException e) {
            lifecycle = LifecycleState.ERROR;
            throw e;
        }
        steps++;
        if (r.done()) {
            startEpisode(r.reward(), r.terminated(), r.truncated());
        } else {
            publish(r.observation(), r.reward(), false, false, false);
        }
    }

    private void startEpisode(double lastReward, boolean terminated, boolean truncated) {
        episode++;
        ResetResult rr = env.reset(seed + episode);
        publish(rr.observation(), lastReward, terminated, truncated, true);
    }

    private void publish(double[] obs, double reward, boolean terminated, boolean truncated, boolean episodeStart) {
        System.arraycopy(obs, 0, latest.values, 0, latest.values.length);
        latest.reward = reward;
        latest.terminated = terminated;
        latest.truncated = truncated;
        latest.episodeStart = episodeStart;
        // A reset alone (the first state) is no step; the sample after a step, even one that also
        // starts the next episode, accounts that step.
        latest.steps = episodeStart && !terminated && !truncated ? 0 : 1;
        latest.sequence = ++sequence;
        long now = MicroClock.nowMicros();
        latest.sentMicros = now;
        latest.receivedMicros = now;
        fresh = true;
        arrivals.signal();
    }

    @Override
    public long stateArrivals() {
        return arrivals.stateArrivals();
    }

    @Override
    public void stateWaiter(Thread waiter) {
        arrivals.stateWaiter(waiter);
    }

    /** Index of the current episode (0 after the first activate). */
    public long episode() {
        return episode;
    }

    /** Env steps taken since construction. */
    public long steps() {
        return steps;
    }

    /** Commands dropped because they did not answer the newest state. */
    public long ignoredCommands() {
        return ignoredCommands;
    }

    /** Puts the adapter into {@link LifecycleState#ERROR}, e.g. after a fault detected outside it. */
    public void fail() {
        lifecycle = LifecycleState.ERROR;
    }

    @Override
    public void close() {
        lifecycle = LifecycleState.FINALIZED;
        env.close();
    }

    private void requireState(String op, LifecycleState... allowed) {
        LifecycleState now = lifecycle;
        for (LifecycleState s : allowed) {
            if (s == now) {
                return;
            }
        }
        throw new IllegalStateException("SimAdapter(" + env.id() + "): cannot " + op + " while " + now);
    }
}
