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
 *       if valid, copies it into a locked latest-value slot; {@link #read} copies the slot out.
 *       Malformed or wrong-sized frames are counted in {@link #rejectedFrames()} and dropped.</li>
 *   <li>command: {@link #write} copies into a locked latest-value slot and wakes the link's I/O
 *       thread, which publishes only the newest command (QoS 0, not retained).</li>
 * </ul>
 */
public final class NativeMqttAdapter implements HardwareInterface, EstopSource, StateSignal {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMqttAdapter.class);
    private final RobotConfig config;
    private final Topics topics;
    private final String clientId;
    private final int nState;
    private final int nCommand;
    private volatile LifecycleState state = LifecycleState.UNCONFIGURED;
    private MqttLinkOptions linkOptions;
    private MqttLink link;

    // State slot: written by Paho's callback thread, read by the control thread.
    private final Object stateLock = new Object();
    private final Frame rx;
    private final StateSample latest;
    private long stateVersion;
    private long readVersion;

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

    public NativeMqttAdapter(RobotConfig config) {
        this(config, "actuate-ctl-" + config.id() + "-" + Long.toHexString(System.nanoTime() & 0xFFFFFFL));
    }

    public NativeMqttAdapter(RobotConfig config, String clientId) {
        if (config.adapter() != AdapterType.NATIVE) {
            throw new IllegalArgumentException("robot " + config.id() + ": adapter is " + config.adapter()
                    + ", NativeMqttAdapter needs adapter: native");
        }
        this.config = config;
        this.topics = new Topics(config.id());
        this.clientId = clientId;
        this.nState = config.stateSignals().size();
        this.nCommand = config.commandSignals().size();
        this.rx = new Frame(nState);
        this.latest = new StateSample(nState);
        this.pendingCommand = new Frame(nCommand);
        this.txCommand = new Frame(nCommand);
        pendingCommand.type = FrameType.COMMAND;
        pendingCommand.count = nCommand;
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
                topics.controllerStatus());
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
                new MqttLink.Subscription(topics.controllerStatus(), 1, (t, p) -> ownStatusEchoed |= isOnline(p))));
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
        state = LifecycleState.ACTIVE;
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
            for (int i = 0; i < nState; i++) {
                latest.values[i] = rx.values[i];
            }
            latest.sequence = rx.sequence;
            latest.sentMicros = rx.sentMicros;
            latest.receivedMicros = now;
            latest.reward = rx.reward;
            latest.episodeStart = rx.episodeStart;
            latest.terminated = rx.terminated;
            latest.truncated = rx.truncated;
            stateVersion++;
        }
        received.incrementAndGet();
        arrivals.signal();
    }

    @Override
    public boolean read(StateSample out) {
        if (out.values.length != nState) {
            throw new IllegalArgumentException("StateSample has " + out.values.length + " values, robot "
                    + config.id() + " has " + nState + " state signals");
        }
        synchronized (stateLock) {
            if (stateVersion == 0) {
                return false;
            }
            out.copyFrom(latest);
            boolean fresh = stateVersion != readVersion;
            readVersion = stateVersion;
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
        out.publish(topics.command(), Frames.encode(txCommand, config.payload()), 0, false);
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
