package dev.actuate.hw.mqtt;

import dev.actuate.hw.EstopSource;
import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.Signal;
import dev.actuate.hw.StateArrivals;
import dev.actuate.hw.StateSample;
import dev.actuate.hw.StateSignal;
import dev.actuate.hw.config.AdapterType;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.config.RobotConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A robot that speaks Actuate's native protocol (docs/protocol.md) over MQTT.
 *
 * <p>Data paths, none of which block the control thread or allocate on it:
 * <ul>
 *   <li>state: Paho's callback thread decodes each STATE frame into a scratch {@link Frame} and,
 *       if valid, folds it into a locked latest-value slot: values and stamps are the newest,
 *       rewards and steps of frames not yet read are summed. An episode boundary is never folded
 *       away: a terminal frame (and the slot it closes) and a start frame go into a preallocated
 *       queue that {@link #read} drains first, in order, setting {@link StateSample#more} while
 *       more is waiting. A controller at any rate and trigger so sees every episode end.
 *       Malformed or wrong-sized frames are counted in {@link #rejectedFrames()} and dropped.</li>
 *   <li>command: {@link #write} copies into a locked latest-value slot and wakes the link's I/O
 *       thread, which publishes only the newest command (QoS 0, not retained).</li>
 * </ul>
 *
 * <p>Ownership: one controller drives a robot at a time. The adapter's retained status is
 * {@code online <session>} (the Will {@code offline <session>}) and every command carries the
 * session. {@link #activate()} refuses while another session's status is online, unless
 * {@link #takeover(boolean)} was set; an adapter that sees another session announce itself later
 * has been taken over: it enters {@link LifecycleState#ERROR} and does not mark the status offline
 * when it closes. When another session's Will overwrites the status while this one drives, it
 * announces itself again.
 */
public final class NativeMqttAdapter implements HardwareInterface, EstopSource, StateSignal {
    /** Boundaries held for a reader that is behind; a loop drains them every cycle, so 64 is ample. */
    static final int BOUNDARY_QUEUE = 64;
    private static final Logger LOG = LoggerFactory.getLogger(NativeMqttAdapter.class);
    private final RobotConfig config;
    private final Topics topics;
    private final String clientId;
    private final int nState;
    private final int nCommand;
    private volatile LifecycleState state = LifecycleState.UNCONFIGURED;
    private MqttLinkOptions linkOptions;
    private final long commandExpirySeconds;
    private MqttLink link;

    // State slot: written by Paho's callback thread, read by the control thread.
    private final Object stateLock = new Object();
    private final Frame rx;
    private final StateSample latest;
    private boolean latestUnread;
    private boolean anyState;
    private long lastSequence;
    // Transport-loss detection from the STATE frames' episode counter and step index.
    private long curEpisode = -1;
    private long curStep;
    private boolean curEnded;
    private final AtomicLong framesLost = new AtomicLong();
    private final AtomicLong episodeEndsLost = new AtomicLong();
    /** Episode boundaries waiting to be read, oldest first (a ring). */
    private final StateSample[] boundaries = new StateSample[BOUNDARY_QUEUE];
    private int boundaryHead;
    private int boundaryCount;
    private final AtomicLong boundariesDropped = new AtomicLong();

    // Command slot: written by the control thread, published by the I/O thread.
    private final Object commandLock = new Object();
    private final Frame pendingCommand;
    private final Frame txCommand;
    private long commandVersion;
    private long publishedVersion;
    private long commandSequence;

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final EstopCounter estop = new EstopCounter();
    private final StateArrivals arrivals = new StateArrivals();
    private volatile LongConsumer stateToSendListener;
    private long lastReportedEcho = Frame.NONE; // I/O thread only
    private volatile boolean robotOnline;
    // Publish-refusal check: MQTT 3.1.1 brokers drop a publish their ACL refuses without telling the
    // client, so the adapter listens for its own retained "online" on its status topic.
    private static final long ECHO_TIMEOUT_NANOS = 3_000_000_000L;
    private volatile boolean ownStatusEchoed;
    private volatile long echoDeadlineNanos = Long.MAX_VALUE;
    private volatile String publishRefusal;
    private long reconnectsBefore;

    private final long session = ControllerStatus.newSession();
    private volatile boolean takeover;
    private volatile boolean announced;
    /** The newest controller status seen on the topic before this adapter announced itself. */
    private volatile ControllerStatus statusBefore;
    private volatile long takenOverBy;

    public NativeMqttAdapter(RobotConfig config) {
        this(config, "actuate-ctl-" + config.id() + "-" + Long.toHexString(System.nanoTime() & 0xFFFFFFL));
    }

    public NativeMqttAdapter(RobotConfig config, String clientId) {
        if (config.adapter() != AdapterType.NATIVE) {
            throw new IllegalArgumentException("robot " + config.id() + ": adapter is " + config.adapter()
                    + ", NativeMqttAdapter needs adapter: native");
        }
        this.config = config;
        this.commandExpirySeconds = config.commandExpirySeconds();
        this.topics = new Topics(config.id());
        this.clientId = clientId;
        this.nState = config.stateSignals().size();
        this.nCommand = config.commandSignals().size();
        this.rx = new Frame(nState);
        this.latest = new StateSample(nState);
        for (int i = 0; i < BOUNDARY_QUEUE; i++) {
            boundaries[i] = new StateSample(nState);
        }
        this.pendingCommand = new Frame(nCommand);
        this.txCommand = new Frame(nCommand);
        pendingCommand.type = FrameType.COMMAND;
        pendingCommand.count = nCommand;
        pendingCommand.session = session;
    }

    @Override
    public List<Signal> stateSignals() {
        return config.stateSignals();
    }

    @Override
    public List<Signal> commandSignals() {
        return config.commandSignals();
    }

    @Override
    public LifecycleState lifecycleState() {
        return state;
    }

    @Override
    public synchronized void configure() {
        requireState("configure", LifecycleState.UNCONFIGURED, LifecycleState.INACTIVE);
        // Building the options validates URL and TLS settings (a bad truststore fails here).
        MqttLinkOptions o = MqttLinkOptions.of(config.broker(), clientId, config.credentials(), config.tls(),
                topics.controllerStatus()).withStatusPayloads(new ControllerStatus(true, session).payload(),
                new ControllerStatus(false, session).payload()).withMqtt(config.mqtt());
        if (o.brokerUrl().startsWith("ssl://")) {
            NoDelaySslSocketFactory.forConfig(o.tls());
        }
        linkOptions = o;
        state = LifecycleState.INACTIVE;
    }

    @Override
    public synchronized void activate() {
        requireState("activate", LifecycleState.INACTIVE);
        MqttLink l = new MqttLink(linkOptions, List.of(
                new MqttLink.Subscription(topics.state(), 0, (t, p) -> onState(p)),
                new MqttLink.Subscription(topics.estop(), 1, (t, p) -> estop.accept(p)),
                new MqttLink.Subscription(topics.status(), 1, (t, p) -> robotOnline = isOnline(p)),
                new MqttLink.Subscription(topics.controllerStatus(), 1, (t, p) -> onControllerStatus(p))));
        l.beforeOnline(this::checkOwnership);
        l.addPublisher(this::publishPending);
        l.onFatal(e -> state = LifecycleState.ERROR);
        synchronized (commandLock) {
            publishedVersion = commandVersion; // never replay a command from a previous activation
        }
        try {
            l.start();
        } catch (RuntimeException e) {
            l.close();
            state = LifecycleState.ERROR;
            throw e;
        }
        echoDeadlineNanos = System.nanoTime() + ECHO_TIMEOUT_NANOS;
        link = l;
        takeover = false; // a reconnect must not take the robot back from a controller that replaced this one
        state = LifecycleState.ACTIVE;
    }

    /** Before announcing online (on every connect): refuse if another controller session is online. */
    private void checkOwnership() {
        if (announced) {
            // A reconnect: a takeover while the link was down arrived as retained status just now.
            if (takenOverBy != 0) {
                throw new IllegalStateException("robot " + config.id() + ": another controller took over while the link was down");
            }
            return;
        }
        ControllerStatus other = statusBefore;
        if (other != null && other.online() && other.session() != session && !takeover) {
            String who = other.session() != 0 ? "controller session " + ControllerStatus.hex(other.session()) : "another controller";
            throw new IllegalStateException("robot " + config.id() + " is already driven by " + who + " ("
                    + topics.controllerStatus() + " is '" + other.payload() + "'); stop it first, or pass --takeover to replace it");
        }
        if (other != null && other.online() && other.session() != session) {
            LOG.warn("robot {}: taking over from {} (--takeover)", config.id(), other.payload());
        }
        announced = true;
    }

    /** Paho callback thread. */
    private void onControllerStatus(byte[] payload) {
        ControllerStatus st = ControllerStatus.parse(payload);
        if (st == null) {
            return;
        }
        if (!announced) {
            statusBefore = st;
            return;
        }
        if (st.session() == session) {
            // The broker delivered this controller's own status back: it accepts its publishes (ACL check).
            ownStatusEchoed |= st.online();
            return;
        }
        if (st.online()) {
            // Another controller took the robot over: stop driving and leave its status alone.
            takenOverBy = st.session() == 0 ? -1 : st.session();
            MqttLink l = link;
            if (l != null) {
                l.offlineOnClose(false);
            }
            LOG.error("robot {}: taken over by {}; this controller stops", config.id(), st.payload());
            state = LifecycleState.ERROR;
        } else if (takenOverBy == 0) {
            // A replaced controller's Will overwrote the retained status: say again who drives.
            MqttLink l = link;
            if (l != null) {
                l.announceOnline();
            }
        }
    }

    /**
     * Start even while another controller's status is online, replacing it: its commands are then
     * ignored by the robot and it stops when it sees this controller's status.
     */
    public void takeover(boolean value) {
        this.takeover = value;
    }

    /** This controller's session id (unsigned 32 bits), carried by its status and its commands. */
    public long session() {
        return session;
    }

    /** The session that took this robot over (-1 if it did not say), or 0. */
    public long takenOverBy() {
        return takenOverBy;
    }

    @Override
    public synchronized void deactivate() {
        if (state != LifecycleState.ACTIVE && state != LifecycleState.ERROR) {
            return;
        }
        closeLink();
        state = LifecycleState.INACTIVE;
    }

    private void closeLink() {
        synchronized (stateLock) {
            curEpisode = -1; // a new activation may meet a restarted robot
        }
        announced = false;
        statusBefore = null;
        if (link != null) {
            reconnectsBefore += link.reconnects();
            link.close();
            link = null;
        }
        robotOnline = false;
    }

    private static boolean isOnline(byte[] p) {
        return "online".equals(new String(p, StandardCharsets.UTF_8).trim());
    }

    /** Paho callback thread. */
    private void onState(byte[] payload) {
        try {
            Frames.decode(payload, rx);
        } catch (FrameException e) {
            rejected.incrementAndGet();
            return;
        }
        if (rx.type != FrameType.STATE || rx.count != nState) {
            rejected.incrementAndGet();
            return;
        }
        long now = MicroClock.nowMicros();
        synchronized (stateLock) {
            // A robot waiting for a command republishes its newest state (same sequence): fresh for
            // the loop, so the lost answer is sent again, but not another step, reward or boundary.
            boolean repeat = anyState && rx.sequence == lastSequence;
            lastSequence = rx.sequence;
            boolean start = rx.episodeStart;
            if (!repeat) {
                start |= checkTransport();
            }
            if (!repeat && start && latestUnread) {
                enqueueLatest(); // the old episode's unread tail stays ahead of the new start
            }
            if (!latestUnread) {
                latest.reward = 0;
                latest.steps = 0;
                latest.episodeStart = false;
                latest.terminated = false;
                latest.truncated = false;
            }
            for (int i = 0; i < nState; i++) {
                latest.values[i] = rx.values[i];
            }
            latest.sequence = rx.sequence;
            latest.sentMicros = rx.sentMicros;
            latest.receivedMicros = now;
            latestUnread = true;
            anyState = true;
            if (!repeat) {
                latest.reward += rx.reward;
                latest.steps += rx.episodeStart ? 0 : 1;
                latest.episodeStart |= start;
                latest.terminated = rx.terminated;
                latest.truncated = rx.truncated;
                if (start || rx.terminated || rx.truncated) {
                    enqueueLatest();
                }
            }
        }
        received.incrementAndGet();
        arrivals.signal();
    }

    /**
     * Counts what QoS 0 lost in transport, from the frame's episode counter and step index (under
     * stateLock). Returns true when {@code rx} is the first frame seen of a new episode whose start
     * frame was lost: it then starts the episode for the loop (the policy resets).
     */
    private boolean checkTransport() {
        boolean lostStart = false;
        if (curEpisode >= 0) {
            if (rx.episode == curEpisode) {
                if (rx.step > curStep + 1) {
                    framesLost.addAndGet(rx.step - curStep - 1);
                }
            } else {
                if (!curEnded) {
                    episodeEndsLost.incrementAndGet(); // that episode is not counted: its end never arrived
                }
                if (!rx.episodeStart) {
                    framesLost.addAndGet(rx.step); // the start and the steps before this one
                    lostStart = true;
                }
            }
        }
        curEpisode = rx.episode;
        curStep = rx.step;
        curEnded = rx.terminated || rx.truncated;
        return lostStart;
    }

    /** Moves the unread slot into the boundary queue (under stateLock). */
    private void enqueueLatest() {
        if (boundaryCount == BOUNDARY_QUEUE) {
            // A reader this far behind is not running; keep the newest boundaries.
            boundaryHead = (boundaryHead + 1) % BOUNDARY_QUEUE;
            boundaryCount--;
            boundariesDropped.incrementAndGet();
        }
        boundaries[(boundaryHead + boundaryCount) % BOUNDARY_QUEUE].copyFrom(latest);
        boundaryCount++;
        latestUnread = false;
    }

    @Override
    public boolean read(StateSample out) {
        if (out.values.length != nState) {
            throw new IllegalArgumentException("StateSample has " + out.values.length + " values, robot "
                    + config.id() + " has " + nState + " state signals");
        }
        synchronized (stateLock) {
            if (boundaryCount > 0) {
                out.copyFrom(boundaries[boundaryHead]);
                boundaryHead = (boundaryHead + 1) % BOUNDARY_QUEUE;
                boundaryCount--;
                out.more = boundaryCount > 0 || latestUnread;
                return true;
            }
            if (!anyState) {
                return false;
            }
            boolean fresh = latestUnread;
            out.copyFrom(latest);
            out.more = false;
            latestUnread = false;
            return fresh;
        }
    }

    @Override
    public void write(double[] command, long stateSequence, long stateSentMicros) {
        if (state != LifecycleState.ACTIVE) {
            throw new IllegalStateException("robot " + config.id() + ": write() while " + state + "; commands are accepted only while ACTIVE");
        }
        if (command.length != nCommand) {
            throw new IllegalArgumentException("command has " + command.length + " values, robot " + config.id()
                    + " has " + nCommand + " command signals");
        }
        synchronized (commandLock) {
            System.arraycopy(command, 0, pendingCommand.values, 0, nCommand);
            pendingCommand.echoSequence = stateSequence;
            pendingCommand.echoMicros = stateSentMicros;
            commandVersion++;
        }
        MqttLink l = link;
        if (l != null) {
            l.wakeup();
        }
    }

    /** I/O thread: publish the newest command if it has not been published. */
    private void publishPending(MqttLink out) {
        if (!ownStatusEchoed && publishRefusal == null && System.nanoTime() - echoDeadlineNanos > 0) {
            String who = config.credentials() == null ? "the anonymous client" : "user " + config.credentials().username();
            publishRefusal = "MQTT broker " + config.broker() + " did not echo this controller's 'online' on "
                    + topics.controllerStatus() + " within 3 s: it probably refuses " + who + " publishing (or subscribing) under "
                    + Topics.PREFIX + config.id() + "/ (check the broker's ACL). MQTT 3.1.1 brokers drop refused publishes "
                    + "silently, so commands are probably not reaching robot " + config.id() + ".";
            LOG.warn(publishRefusal);
        }
        synchronized (commandLock) {
            if (commandVersion == publishedVersion) {
                return;
            }
            publishedVersion = commandVersion;
            txCommand.copyFrom(pendingCommand);
        }
        txCommand.sequence = commandSequence++;
        txCommand.sentMicros = MicroClock.nowMicros();
        // MQTT 5: a command the broker cannot deliver within its expiry is dropped, not delivered late.
        out.publish(topics.command(), Frames.encode(txCommand, config.payload()), 0, false, commandExpirySeconds);
        sent.incrementAndGet();
        LongConsumer l = stateToSendListener;
        // Only the first command answering a state: later ones re-send a held command to an old state.
        if (l != null && txCommand.echoMicros > 0 && txCommand.echoSequence != lastReportedEcho) {
            lastReportedEcho = txCommand.echoSequence;
            l.accept((MicroClock.nowMicros() - txCommand.echoMicros) * 1000);
        }
    }

    /**
     * Called on the I/O thread after the first command answering each state is handed to the MQTT client, with the nanoseconds
     * from the robot's send stamp of the state it answers to now: the controller's side of the round
     * trip (state transport + wait + compute + hand-off; the command's own transport is not in it).
     * The robot's and the controller's clocks are compared, so they must be synchronised across hosts.
     */
    public void onStateToSend(LongConsumer listener) {
        this.stateToSendListener = listener;
    }

    @Override
    public long stateArrivals() {
        return arrivals.stateArrivals();
    }

    @Override
    public void stateWaiter(Thread waiter) {
        arrivals.stateWaiter(waiter);
    }

    /**
     * Null while the broker delivers this controller's own publishes back to it; otherwise why it
     * seems not to (a message naming the broker, user and topics, also logged once as a warning).
     */
    public String publishRefusal() {
        return publishRefusal;
    }

    @Override
    public boolean connected() {
        MqttLink l = link;
        return l != null && l.connected();
    }

    /** Whether the robot's retained status says "online". */
    public boolean robotOnline() {
        return robotOnline;
    }

    /** Valid STATE frames received. */
    public long framesReceived() {
        return received.get();
    }

    /** STATE frames lost in transport (QoS 0), from gaps in the frames' step index. */
    public long framesLost() {
        return framesLost.get();
    }

    /** Episodes whose terminal frame was lost in transport (they are not counted as completed). */
    public long episodeEndsLost() {
        return episodeEndsLost.get();
    }

    /** Episode boundaries discarded because the reader fell more than {@value #BOUNDARY_QUEUE} behind. */
    public long boundariesDropped() {
        return boundariesDropped.get();
    }

    /** Payloads on the state topic that were not a valid STATE frame of the right size. */
    public long rejectedFrames() {
        return rejected.get();
    }

    /** Commands handed to the client (the newest of each burst; older ones are coalesced). */
    public long commandsSent() {
        return sent.get();
    }

    public long reconnects() {
        MqttLink l = link;
        return reconnectsBefore + (l == null ? 0 : l.reconnects());
    }

    @Override
    public long estopRequests() {
        return estop.requests.get();
    }

    @Override
    public long estopResets() {
        return estop.resets.get();
    }

    public RobotConfig config() {
        return config;
    }

    public PayloadFormat payloadFormat() {
        return config.payload();
    }

    @Override
    public synchronized void close() {
        closeLink();
        state = LifecycleState.FINALIZED;
    }

    private void requireState(String op, LifecycleState... allowed) {
        for (LifecycleState s : allowed) {
            if (state == s) {
                return;
            }
        }
        throw new IllegalStateException("robot " + config.id() + ": " + op + "() in state " + state);
    }

    @Override
    public String toString() {
        return "NativeMqttAdapter[" + config.id() + " @ " + config.broker() + ", " + state + "]";
    }
}
