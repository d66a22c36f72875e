package dev.actuate.hw.robot;

import dev.actuate.hw.mqtt.ControllerStatus;
import dev.actuate.hw.mqtt.Frame;
import dev.actuate.hw.mqtt.FrameException;
import dev.actuate.hw.mqtt.FrameType;
import dev.actuate.hw.mqtt.Frames;
import dev.actuate.hw.mqtt.MicroClock;
import dev.actuate.hw.mqtt.MqttLink;
import dev.actuate.hw.mqtt.MqttLinkOptions;
import dev.actuate.hw.mqtt.Topics;
import dev.actuate.runtime.LoopClock;
import dev.actuate.sim.Box;
import dev.actuate.sim.Env;
import dev.actuate.sim.ResetResult;
import dev.actuate.sim.Rng;
import dev.actuate.sim.StepResult;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A simulator env playing a robot over MQTT (the robot side of HIL). It publishes STATE frames
 * (observation, reward, episode flags, sequence, timestamp) on {@code actuate/<id>/state} and
 * applies COMMAND frames from {@code actuate/<id>/command}; presence is on the retained
 * {@code actuate/<id>/status} with an "offline" Last Will; "stop" on {@code actuate/<id>/estop}
 * holds the zero action (clipped into the action space) until "reset", and so does the
 * controller's status turning "offline", until its next command.
 *
 * <p>Modes:
 * <ul>
 *   <li>real time: steps at {@code rateHz} on absolute deadlines with the newest command in
 *       effect (held between commands; zero until the first). The run starts at the first command,
 *       so a controller that connects late does not miss the beginning of episode 0.</li>
 *   <li>lock-step: publishes a state and waits for the command echoing its sequence, then steps;
 *       returns then equal in-process evaluation of the same policy and seeds exactly.</li>
 * </ul>
 * While waiting, the newest state is republished every 200 ms (QoS 0 may drop it; a controller
 * may connect late). Episode {@code i} resets with {@code seed + i}. Each command's round trip
 * (its arrival time minus the send time of the state it echoes) is recorded once per state.
 * Latency injection delays when a received command takes effect; noise injection perturbs
 * published observations only.
 *
 * <p>Never dies on input: a command with NaN or infinite values is rejected, counted and the zero
 * action is held until a valid command arrives. Ownership: the robot follows the session announced
 * on the retained {@code actuate/<id>/controller/status} ({@code online <session>}) and rejects (counts)
 * commands from any other session; {@code offline} of that session holds the zero action. Each
 * STATE echoes the sequence and send time of the last command applied.
 */
public final class MqttRobot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttRobot.class);
    private static final long REPUBLISH_NANOS = 200_000_000L;
    private static final long MAX_LATENESS_MICROS = 60_000_000L;

    /** What a run produced. */
    public record Result(List<Double> episodeReturns, List<Integer> episodeLengths, long steps, long commandsReceived,
            long commandsRejected, long stepsWithoutFreshCommand, LatencyStats.Summary roundTrip,
            long commandsNonFinite, long commandsFromOtherSessions, List<LatencyStats.Sample> slowestRoundTrips) {
        public double meanReturn() {
            return episodeReturns.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }
    }

    private final Env env;
    private final RobotOptions options;
    private final Topics topics;
    private final Box actionSpace;
    private final int actDim;
    private final MqttLink link;
    private final Rng injectionRng;

    // Command inbox: Paho callback thread -> robot thread.
    private final Object inbox = new Object();
    private final Frame rx;
    private final List<Pending> pending = new ArrayList<>();
    private long lastEchoRecorded = Long.MIN_VALUE;
    private Thread runner;

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong nonFinite = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    /** A command answering a state older than this (robot clock) is dropped; 0 = never. */
    private final long commandExpiryMicros;
    /** The newest command had expired: hold the zero action until a fresh one (the link is running late). */
    private volatile boolean expiredCommand;
    /** The session of the controller that owns this robot (its status said online), 0 = none announced. */
    private volatile long owner;
    /** The newest command was rejected as non-finite: hold the zero action until a valid one. */
    private volatile boolean badCommand;
    private volatile long stepsSoFar;
    private volatile int episodesDone;
    private volatile double lastReturn = Double.NaN;
    private final LatencyStats roundTrip = new LatencyStats();
    /** Real time: how late each tick started after its deadline, in µs (robot thread only; bounded, preallocated). */
    private final Histogram tickLateness = new Histogram(MAX_LATENESS_MICROS, 3);
    /** Real time: the tick timer (tests pass a fake one). */
    private final LoopClock clock;
    private volatile boolean estop;
    /** Set when the controller's Will or clean exit says "offline"; cleared by the next command. */
    private volatile boolean controllerOffline;
    private volatile boolean running = true;

    private record Pending(long applyAtNanos, long echoSequence, long sequence, long sentMicros, double[] values) {
    }

    /** The command last applied, echoed in each STATE (robot thread only). */
    private long appliedSequence = Frame.NONE;
    private long appliedMicros = Frame.NONE;

    public MqttRobot(Env env, RobotOptions options) {
        // Park only, no spin before the deadline: spinning the last 200 µs cost the robot thread ~40 ms of CPU
        // per second at 500 Hz on the 2-core machine and did not make late ticks rarer; those were preemptions
        // of milliseconds, not the timer's tens of microseconds (docs/benchmarks.md, the robot's timer).
        this(env, options, LoopClock.system(0));
    }

    /**
     * With {@code clock} as the real-time tick timer: each tick waits in {@code clock.sleepUntil} for its
     * absolute deadline, so a stop waits out at most the current period.
     */
    MqttRobot(Env env, RobotOptions options, LoopClock clock) {
        this.clock = clock;
        this.env = env;
        this.options = options;
        this.topics = new Topics(options.robotId());
        this.actionSpace = env.actionSpace();
        this.actDim = actionSpace.dim();
        this.rx = new Frame(actDim);
        this.injectionRng = new Rng(options.noiseSeed());
        MqttLinkOptions lo = MqttLinkOptions.of(options.brokerUrl(), "actuate-robot-" + options.robotId() + "-"
                + Long.toHexString(System.nanoTime() & 0xFFFFFFL), options.credentials(), options.tls(), topics.status())
                .withMqtt(options.mqtt());
        this.commandExpiryMicros = options.mqtt().commandExpirySeconds(options.rateHz()) * 1_000_000L;
        this.link = new MqttLink(lo, List.of(
                new MqttLink.Subscription(topics.command(), 0, (t, p) -> onCommand(p)),
                new MqttLink.Subscription(topics.estop(), 1, (t, p) -> onEstop(p)),
                new MqttLink.Subscription(topics.controllerStatus(), 1, (t, p) -> onControllerStatus(p))));
    }

    private void onControllerStatus(byte[] p) {
        ControllerStatus st = ControllerStatus.parse(p);
        if (st == null) {
            return;
        }
        if (st.online()) {
            owner = st.session();
        } else if (st.session() == 0 || st.session() == owner || owner == 0) {
            controllerOffline = true; // a replaced controller's Will (another session) changes nothing
        }
    }

    private void onEstop(byte[] p) {
        String s = new String(p, StandardCharsets.UTF_8).trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("stop") || s.equals("1") || s.equals("true")) {
            estop = true;
        } else if (s.equals("reset") || s.equals("0") || s.equals("false")) {
            estop = false;
        }
    }

    /** Paho callback thread. */
    private void onCommand(byte[] payload) {
        long nowMicros = MicroClock.nowMicros();
        long nowNanos = System.nanoTime();
        synchronized (inbox) {
            try {
                Frames.decode(payload, rx);
            } catch (FrameException e) {
                rejected.incrementAndGet();
                return;
            }
            if (rx.type != FrameType.COMMAND || rx.count != actDim) {
                rejected.incrementAndGet();
                return;
            }
            long own = owner;
            if (own != 0 && rx.session != own) {
                foreign.incrementAndGet();
                rejected.incrementAndGet();
                return;
            }
            // The same expiry the broker applies (MQTT 5), here for any broker and version: the echo time is this
            // robot's own clock, so the age needs no clock synchronisation. A broker that queued the command
            // for a stalled connection, or a 3.1.1 broker, may still deliver it late; it is not acted on.
            if (commandExpiryMicros > 0 && rx.echoMicros != Frame.NONE && nowMicros - rx.echoMicros > commandExpiryMicros) {
                expired.incrementAndGet();
                rejected.incrementAndGet();
                expiredCommand = true;
                return;
            }
            for (int i = 0; i < actDim; i++) {
                if (!Double.isFinite(rx.values[i])) {
                    nonFinite.incrementAndGet();
                    rejected.incrementAndGet();
                    badCommand = true;
                    return;
                }
            }
            received.incrementAndGet();
            badCommand = false;
            expiredCommand = false;
            controllerOffline = false;
            if (rx.echoMicros != Frame.NONE && rx.echoSequence != lastEchoRecorded) {
                lastEchoRecorded = rx.echoSequence;
                roundTrip.add(nowMicros - rx.echoMicros, rx.echoMicros,
                        rx.sentMicros != Frame.NONE ? nowMicros - rx.sentMicros : Long.MIN_VALUE);
            }
            double delayMs = options.latencyMs() + (options.jitterMs() > 0 ? injectionRng.nextDouble() * options.jitterMs() : 0);
            double[] v = new double[actDim];
            System.arraycopy(rx.values, 0, v, 0, actDim);
            pending.add(new Pending(nowNanos + (long) (delayMs * 1e6), rx.echoSequence, rx.sequence, rx.sentMicros, v));
            inbox.notifyAll();
        }
        Thread r = runner;
        if (r != null) {
            LockSupport.unpark(r);
        }
    }

    /** Connects (failing clearly on bad credentials or no broker), plays the episodes, disconnects. */
    public Result run() {
        runner = Thread.currentThread();
        link.start();
        LOG.info("robot {} ({}) on {} (MQTT {}): {} mode", options.robotId(), env.id(), options.brokerUrl(),
                link.version().label(), options.lockstep() ? "lock-step" : "real-time " + options.rateHz() + " Hz");
        List<Double> returns = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        long steps = 0;
        long stale = 0;
        long stateSeq = 0;
        Frame tx = new Frame(env.observationSpace().dim());
        tx.type = FrameType.STATE;
        double[] action = new double[actDim];
        double[] zero = actionSpace.clip(new double[actDim]);
        long period = Math.round(1e9 / options.rateHz());
        boolean started = false;
        long deadline = 0;
        try {
            for (int ep = 0; running && (options.episodes() == 0 || ep < options.episodes()); ep++) {
                ResetResult r = env.reset(options.seed() + ep);
                tx.episode = ep & 0xFFFFFFFFL;
                tx.step = 0;
                publishState(tx, stateSeq++, r.observation(), 0, true, false, false);
                System.arraycopy(zero, 0, action, 0, actDim);
                double ret = 0;
                int len = 0;
                while (running) {
                    boolean fresh;
                    if (options.lockstep()) {
                        fresh = awaitCommandFor(tx, action);
                        if (!fresh) {
                            break; // stopped
                        }
                    } else {
                        if (!started) {
                            if (!awaitFirstCommand(tx)) {
                                break;
                            }
                            started = true;
                            deadline = clock.nanoTime() + period;
                        }
                        // Absolute deadlines: a late tick does not shift the ones after it.
                        clock.sleepUntil(deadline);
                        tickLateness.recordValue(Math.min(MAX_LATENESS_MICROS, Math.max(0, clock.nanoTime() - deadline) / 1000));
                        deadline += period;
                        fresh = takeNewestDue(action);
                    }
                    if (!fresh) {
                        stale++;
                    }
                    double[] applied = estop || controllerOffline || badCommand || expiredCommand ? zero : action;
                    StepResult s = env.step(applied);
                    steps++;
                    stepsSoFar = steps;
                    len++;
                    ret += s.reward();
                    tx.step = len & 0xFFFFFFFFL;
                    publishState(tx, stateSeq++, s.observation(), s.reward(), false, s.terminated(), s.truncated());
                    if (s.done()) {
                        break;
                    }
                }
                if (len > 0) {
                    returns.add(ret);
                    lengths.add(len);
                    lastReturn = ret;
                    episodesDone = returns.size();
                    LOG.info("robot {}: episode {} (seed {}) return {} in {} steps", options.robotId(), ep,
                            options.seed() + ep, String.format("%.2f", ret), len);
                }
            }
        } finally {
            runner = null;
        }
        // The summary and the slowest samples from one snapshot: the controller's answer to the last terminal
        // state can still arrive after the run, and must not appear in one and not the other.
        LatencyStats.Summary rt;
        List<LatencyStats.Sample> slowest;
        synchronized (roundTrip) {
            rt = roundTrip.summary();
            slowest = roundTrip.slowest(5);
        }
        return new Result(List.copyOf(returns), List.copyOf(lengths), steps, received.get(), rejected.get(), stale,
                rt, nonFinite.get(), foreign.get(), slowest);
    }

    /** One line on how the run is going, for a periodic status print (any thread). */
    public String statusLine() {
        String own = owner == 0 ? "none announced" : ControllerStatus.hex(owner);
        return String.format(java.util.Locale.ROOT, "robot %s: %s, %d episodes (last return %.2f), %d steps, %d commands,"
                        + " %d rejected (%d non-finite, %d other sessions), controller %s%s%s", options.robotId(),
                link.connected() ? "connected" : "disconnected", episodesDone, lastReturn, stepsSoFar, received.get(),
                rejected.get(), nonFinite.get(), foreign.get(), own, controllerOffline ? " (offline: holding zero)" : "",
                estop ? ", e-stop latched" : "");
    }

    private void publishState(Frame tx, long seq, double[] obs, double reward, boolean start, boolean terminated,
            boolean truncated) {
        for (int i = 0; i < obs.length; i++) {
            tx.values[i] = options.noiseSigma() > 0 ? obs[i] + options.noiseSigma() * injectionRng.nextGaussian() : obs[i];
        }
        tx.count = obs.length;
        tx.sequence = seq;
        tx.reward = (float) reward;
        tx.episodeStart = start;
        tx.terminated = terminated;
        tx.truncated = truncated;
        tx.echoSequence = appliedSequence;
        tx.echoMicros = appliedMicros;
        tx.sentMicros = MicroClock.nowMicros();
        link.publish(topics.state(), Frames.encode(tx, options.payload()), 0, false);
    }

    private void republish(Frame tx) {
        tx.sentMicros = MicroClock.nowMicros();
        link.publish(topics.state(), Frames.encode(tx, options.payload()), 0, false);
    }

    /** Lock-step: waits for a command echoing {@code tx.sequence} and, after its injected delay, copies it into {@code action}. */
    private boolean awaitCommandFor(Frame tx, double[] action) {
        long nextRepublish = System.nanoTime() + REPUBLISH_NANOS;
        while (running) {
            long now = System.nanoTime();
            Pending match = null;
            synchronized (inbox) {
                for (int i = pending.size() - 1; i >= 0; i--) {
                    if (pending.get(i).echoSequence() == tx.sequence) {
                        match = pending.get(i);
                        break;
                    }
                }
                if (match != null && match.applyAtNanos() <= now) {
                    pending.clear();
                    System.arraycopy(match.values(), 0, action, 0, actDim);
                    appliedSequence = match.sequence();
                    appliedMicros = match.sentMicros();
                    return true;
                }
            }
            if (now >= nextRepublish) {
                republish(tx);
                nextRepublish = now + REPUBLISH_NANOS;
            }
            long wakeAt = match != null ? Math.min(match.applyAtNanos(), nextRepublish) : nextRepublish;
            LockSupport.parkNanos(this, Math.max(1000, wakeAt - now));
        }
        return false;
    }

    /** Real time, before the first step: waits (republishing) until any command arrives. */
    private boolean awaitFirstCommand(Frame tx) {
        long nextRepublish = System.nanoTime() + REPUBLISH_NANOS;
        while (running) {
            synchronized (inbox) {
                if (!pending.isEmpty()) {
                    return true;
                }
            }
            long now = System.nanoTime();
            if (now >= nextRepublish) {
                republish(tx);
                nextRepublish = now + REPUBLISH_NANOS;
            }
            LockSupport.parkNanos(this, Math.max(1000, nextRepublish - now));
        }
        return false;
    }

    /** Real time: the newest command whose injected delay has passed replaces {@code action}; false if none. */
    private boolean takeNewestDue(double[] action) {
        long now = System.nanoTime();
        synchronized (inbox) {
            int newest = -1;
            for (int i = 0; i < pending.size(); i++) {
                if (pending.get(i).applyAtNanos() <= now) {
                    newest = i;
                }
            }
            if (newest < 0) {
                return false;
            }
            Pending p = pending.get(newest);
            System.arraycopy(p.values(), 0, action, 0, actDim);
            appliedSequence = p.sequence();
            appliedMicros = p.sentMicros();
            pending.subList(0, newest + 1).clear();
            return true;
        }
    }

    /**
     * Real time: how late each tick started after its deadline, in µs (the robot's own timer and
     * scheduling jitter, before any MQTT). Read it after {@link #run()} has returned.
     */
    public Histogram tickLatenessMicros() {
        return tickLateness.copy();
    }

    /** Asks a running {@link #run()} to return after the current step. Safe from any thread. */
    public void stop() {
        running = false;
        Thread r = runner;
        if (r != null) {
            LockSupport.unpark(r);
        }
    }


        public long commandsReceived() {
        return received.get();
    }

    public long commandsRejected() {
        return rejected.get();
    }

    /** Commands dropped because the state they answer was older than the command expiry (also in {@link #commandsRejected()}). */
    public long commandsExpired() {
        return expired.get();
    }

    /** The MQTT version the robot's link speaks. */
    public dev.actuate.hw.config.MqttVersion mqttVersion() {
        return link.version();
    }

    /** Commands rejected because they came from a session other than the owner's. */
    public long commandsFromOtherSessions() {
        return foreign.get();
    }

    /** The owning controller's session as its status announced it, 0 if none. */
    public long ownerSession() {
        return owner;
    }

    public boolean connected() {
        return link.connected();
    }

    /** Stops and disconnects, publishing "offline". */
    @Override
    public void close() {
        stop();
        link.close();
    }
}
