package dev.actuate.hw.mqtt;

import dev.actuate.hw.EstopSource;
import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.Signal;
import dev.actuate.hw.StateArrivals;
import dev.actuate.hw.StateSample;
import dev.actuate.hw.StateSignal;
import dev.actuate.hw.config.AdapterType;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.TopicBinding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A third-party device whose sensors and actuators each have their own topic (YAML bindings, see
 * {@link TopicBinding}). Such devices carry no Actuate frame, so a state's {@code sentMicros} is
 * the time its newest sensor message arrived and {@code sequence} counts sensor messages.
 *
 * <p>Several signals may share a topic (different JSON fields of one message): the topic is
 * subscribed once and its payload decoded per binding. Bad payloads are counted in
 * {@link #rejectedPayloads()} and dropped. Commands go out from the link's I/O thread, one message
 * per command topic, QoS 0, not retained.
 */
public final class MappedMqttAdapter implements HardwareInterface, EstopSource, StateSignal {
    private final RobotConfig config;
    private final Topics topics;
    private final String clientId;
    private final int nState;
    private final int nCommand;
    private volatile LifecycleState state = LifecycleState.UNCONFIGURED;
    private MqttLinkOptions linkOptions;
    /** MQTT 5: the broker drops a command older than this rather than deliver it late (0 = never). */
    private final long commandExpirySeconds;
    private MqttLink link;

    private final Object stateLock = new Object();
    private final StateSample latest;
    private long stateVersion;
    private long readVersion;

    private final Object commandLock = new Object();
    private final double[] pendingCommand;
    private final double[] txCommand;
    private long commandVersion;
    private long publishedVersion;

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final EstopCounter estop = new EstopCounter();
    private final StateArrivals arrivals = new StateArrivals();
    private long reconnectsBefore;

    public MappedMqttAdapter(RobotConfig config) {
        this(config, "actuate-map-" + config.id() + "-" + Long.toHexString(System.nanoTime() & 0xFFFFFFL));
    }

    public MappedMqttAdapter(RobotConfig config, String clientId) {
        if (config.adapter() != AdapterType.MAPPED) {
            throw new IllegalArgumentException("robot " + config.id() + ": adapter is " + config.adapter()
                    + ", MappedMqttAdapter needs adapter: mapped");
        }
        this.config = config;
        this.commandExpirySeconds = config.commandExpirySeconds();
        this.topics = new Topics(config.id());
        this.clientId = clientId;
        this.nState = config.stateSignals().size();
        this.nCommand = config.commandSignals().size();
        this.latest = new StateSample(nState);
        this.pendingCommand = new double[nCommand];
        this.txCommand = new double[nCommand];
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
        if (state != LifecycleState.UNCONFIGURED && state != LifecycleState.INACTIVE) {
            throw new IllegalStateException("robot " + config.id() + ": configure() in state " + state);
        }
        if (config.broker().startsWith("ssl://")) {
            NoDelaySslSocketFactory.forConfig(config.tls());
        }
        linkOptions = MqttLinkOptions.of(config.broker(), clientId, config.credentials(), config.tls(),
                topics.controllerStatus()).withMqtt(config.mqtt());
        state = LifecycleState.INACTIVE;
    }

    @Override
    public synchronized void activate() {
        if (state != LifecycleState.INACTIVE) {
            throw new IllegalStateException("robot " + config.id() + ": activate() in state " + state);
        }
        Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        for (int i = 0; i < nState; i++) {
            byTopic.computeIfAbsent(config.stateBindings().get(i).topic(), k -> new ArrayList<>()).add(i);
        }
        List<MqttLink.Subscription> subs = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
            int[] idx = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            subs.add(new MqttLink.Subscription(e.getKey(), 0, (t, p) -> onSensor(idx, p)));
        }
        subs.add(new MqttLink.Subscription(topics.estop(), 1, (t, p) -> estop.accept(p)));
        MqttLink l = new MqttLink(linkOptions, subs);
        l.addPublisher(this::publishPending);
        l.onFatal(e -> state = LifecycleState.ERROR);
        synchronized (commandLock) {
            publishedVersion = commandVersion;
        }
        try {
            l.start();
        } catch (RuntimeException e) {
            l.close();
            state = LifecycleState.ERROR;
            throw e;
        }
        link = l;
        state = LifecycleState.ACTIVE;
    }

    /** Paho callback thread: every binding on this topic must decode, or the message is rejected whole. */
    private void onSensor(int[] indices, byte[] payload) {
        double[] v = new double[indices.length];
        try {
            for (int k = 0; k < indices.length; k++) {
                v[k] = BindingCodec.decodeState(config.stateBindings().get(indices[k]), payload);
            }
        } catch (FrameException e) {
            rejected.incrementAndGet();
            return;
        }
        long now = MicroClock.nowMicros();
        synchronized (stateLock) {
            for (int k = 0; k < indices.length; k++) {
                latest.values[indices[k]] = v[k];
            }
            latest.sequence++;
            latest.sentMicros = now;
            latest.receivedMicros = now;
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
            System.arraycopy(command, 0, pendingCommand, 0, nCommand);
            commandVersion++;
        }
        MqttLink l = link;
        if (l != null) {
            l.wakeup();
        }
    }

    private void publishPending(MqttLink out) {
        synchronized (commandLock) {
            if (commandVersion == publishedVersion) {
                return;
            }
            publishedVersion = commandVersion;
            System.arraycopy(pendingCommand, 0, txCommand, 0, nCommand);
        }
        for (int i = 0; i < nCommand; i++) {
            TopicBinding b = config.commandBindings().get(i);
            out.publish(b.topic(), BindingCodec.encodeCommand(b, txCommand[i]), 0, false, commandExpirySeconds);
        }
    }

    @Override
    public synchronized void deactivate() {
        if (link != null) {
            reconnectsBefore += link.reconnects();
            link.close();
            link = null;
        }
        if (state == LifecycleState.ACTIVE || state == LifecycleState.ERROR) {
            state = LifecycleState.INACTIVE;
        }
    }

    @Override
    public long stateArrivals() {
        return arrivals.stateArrivals();
    }

    @Override
    public void stateWaiter(Thread waiter) {
        arrivals.stateWaiter(waiter);
    }

    @Override
    public boolean connected() {
        MqttLink l = link;
        return l != null && l.connected();
    }

    /** Sensor messages accepted. */
    public long messagesReceived() {
        return received.get();
    }

    /** Sensor messages rejected (not a number, missing JSON field). */
    public long rejectedPayloads() {
        return rejected.get();
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

    @Override
    public synchronized void close() {
        deactivate();
        state = LifecycleState.FINALIZED;
    }

    @Override
    public String toString() {
        return "MappedMqttAdapter[" + config.id() + " @ " + config.broker() + ", " + state + "]";
    }
}
