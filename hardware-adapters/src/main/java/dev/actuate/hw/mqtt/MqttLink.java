package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.MqttVersion;
import dev.actuate.hw.mqtt.PahoClient.Failure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One MQTT connection with the plumbing Actuate's measurements called for (DEVELOPERS.md, Paho):
 * {@code TCP_NODELAY} sockets, a large in-flight window, clean sessions, presence on a retained
 * status topic with an "offline" Last Will, and Actuate's own reconnect loop (Paho's automatic
 * reconnect is off) that re-subscribes after every reconnect.
 *
 * <p>MQTT 3.1.1 or 5 ({@link MqttLinkOptions#mqtt()}): the client calls go through {@link PahoClient}
 * (Paho's v3 or v5 client); everything here is shared. A link whose version was not fixed by the
 * config starts with MQTT 5 and, if the broker refuses that version (Moquette, the embedded broker),
 * speaks 3.1.1 instead and says so once.
 *
 * <p>Threads: one I/O thread ({@code actuate-mqtt-io-<clientId>}) does all publishing and
 * reconnecting. Producers never publish: they fill their own latest-value slots and call
 * {@link #wakeup()}; the I/O thread then calls every registered {@link Publisher}. Incoming
 * messages are handed to subscription handlers on Paho's callback thread; a handler that throws
 * is counted, never allowed to kill the connection.
 */
public final class MqttLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttLink.class);
    private final byte[] online;
    private final byte[] offline;

    /** Called on the I/O thread; publishes whatever its owner has pending through {@code out}. */
    @FunctionalInterface
    public interface Publisher {
        void publishPending(MqttLink out);
    }

    /** A topic (filter) to subscribe on every (re)connect; {@code handler} gets (topic, payload). */
    public record Subscription(String topic, int qos, BiConsumer<String, byte[]> handler) {
    }

    private final MqttLinkOptions options;
    private final List<Subscription> subscriptions;
    private final List<Publisher> publishers = new CopyOnWriteArrayList<>();
    /** Replaced only by start(), before the I/O thread runs, when the broker refuses MQTT 5. */
    private volatile PahoClient client;
    /** Set after the first successful connect: later connects may resume a session (MQTT 5 session expiry). */
    private volatile boolean everConnected;
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong publishFailures = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();
    private volatile boolean running;
    /** Set by close(): a connect attempt in flight gives up at once. */
    private volatile boolean closing;
    private volatile boolean connected;
    private volatile MqttConnectException fatal;
    private volatile Consumer<MqttConnectException> onFatal = e -> { };
    private volatile Runnable beforeOnline;
    private volatile boolean announceOnline;
    private volatile boolean offlineOnClose = true;
    private Thread ioThread;

    public MqttLink(MqttLinkOptions options, List<Subscription> subscriptions) {
        this.options = options;
        this.subscriptions = List.copyOf(subscriptions);
        this.online = options.onlinePayload().getBytes(StandardCharsets.UTF_8);
        this.offline = options.offlinePayload().getBytes(StandardCharsets.UTF_8);
        this.client = newClient(options.mqtt().version());
    }

    private PahoClient newClient(MqttVersion version) {
        try {
            return version == MqttVersion.V5 ? new PahoV5Client(options, offline, this::lost)
                    : new PahoV3Client(options, offline, this::lost);
        } catch (Failure e) {
            throw new IllegalArgumentException("broker: cannot create an MQTT client for " + options.brokerUrl()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Paho's thread: the connection dropped. */
    private void lost(String cause) {
        connected = false;
        LOG.warn("MQTT connection to {} lost: {}", options.brokerUrl(), cause);
        wakeup();
    }

    /** The protocol version this link speaks (3.1.1 after falling back from 5). */
    public MqttVersion version() {
        return client.version();
    }

    /**
     * A check run on every (re)connect after subscribing and after every retained message on the
     * subscriptions has arrived, before "online" is announced; throwing {@link IllegalStateException}
     * refuses the connection ({@link MqttConnectException.Kind#REFUSED}, fatal on reconnect).
     */
    public void beforeOnline(Runnable check) {
        this.beforeOnline = check;
    }

    /** Asks the I/O thread to publish "online" (retained) again, e.g. after another client's Will overwrote it. */
    public void announceOnline() {
        announceOnline = true;
        wakeup();
    }

    /** Whether {@link #close()} publishes "offline" (false once the status topic belongs to someone else). */
    public void offlineOnClose(boolean value) {
        offlineOnClose = value;
    }

    /** Adds a publisher the I/O thread polls on every wakeup. */
    public void addPublisher(Publisher p) {
        publishers.add(p);
    }

    /** Called when a reconnect fails for a reason retrying cannot fix (rejected credentials). */
    public void onFatal(Consumer<MqttConnectException> handler) {
        this.onFatal = handler;
    }

    /**
     * Connects (blocking, so bad credentials or a missing broker fail here with a clear
     * {@link MqttConnectException}), subscribes, announces "online" and starts the I/O thread.
     */
    public void start() {
        if (running) {
            throw new IllegalStateException("MQTT link " + options.clientId() + " already started");
        }
        // A connection dropped mid-handshake (seen with Moquette under load: EOF before CONNACK) is
        // transient, so it is retried; refused credentials and an unreachable broker fail at once.
        for (int attempt = 1; ; attempt++) {
            try {
                connectOnce();
                break;
            } catch (MqttConnectException e) {
                if (e.kind() == MqttConnectException.Kind.UNSUPPORTED_VERSION && !options.mqtt().versionFixed()
                        && client.version() == MqttVersion.V5) {
                    LOG.warn("MQTT broker {} does not speak MQTT 5; using MQTT 3.1.1 (no message or session expiry;"
                            + " set mqtt: {version: 3.1.1} in the robot config to skip this attempt)", options.brokerUrl());
                    closeClient();
                    client = newClient(MqttVersion.V3_1_1);
                    attempt--;
                    continue;
                }
                if (e.kind() != MqttConnectException.Kind.OTHER || attempt == 3) {
                    throw e;
                }
                LOG.warn("MQTT connect attempt {} to {} failed, retrying: {}", attempt, options.brokerUrl(), e.getMessage());
                LockSupport.parkNanos(this, 100_000_000L * attempt);
            }
        }
        running = true;
        ioThread = new Thread(this::ioLoop, "actuate-mqtt-io-" + options.clientId());
        ioThread.setDaemon(true);
        ioThread.start();
    }

    private void connectOnce() {
        Thread waiter = Thread.currentThread();
        // Wakes the waiter as soon as an operation completes (the wait below also polls, and close() unparks it).
        Runnable wake = () -> LockSupport.unpark(waiter);
        PahoClient c = client;
        // A reconnect right after a lost connection would race that connection's shutdown (PahoClient#awaitReadyToConnect).
        if (!c.awaitReadyToConnect(System.nanoTime() + 5_000_000_000L)) {
            throw new MqttConnectException(MqttConnectException.Kind.OTHER, "MQTT client " + options.clientId()
                    + ": the threads of its last connection to " + options.brokerUrl() + " are still running after 5 s"
                    + " (a message handler that does not return?); not connecting yet", null);
        }
        try {
            // Paho's connection timeout covers only TCP connect and the TLS handshake; a broker that
            // accepts TCP but never sends CONNACK is given up on here.
            awaitConnect(c, c.connect(everConnected, wake), (options.connectTimeoutSeconds() + 2) * 1000L);
            for (Subscription s : subscriptions) {
                await(c.subscribe(s.topic(), s.qos(), (topic, payload) -> dispatch(s, topic, payload), wake), 5000);
            }
            Runnable check = beforeOnline;
            if (check != null) {
                syncRetained(c, wake);
                try {
                    check.run();
                } catch (IllegalStateException e) {
                    // A clean DISCONNECT: the Will must not overwrite the status of the client that owns it.
                    try {
                        await(c.disconnect(0), 2000);
                    } catch (Failure ignored) {
                        abandonConnection();
                    }
                    throw new MqttConnectException(MqttConnectException.Kind.REFUSED, e.getMessage(), null);
                }
            }
            if (options.statusTopic() != null) {
                c.publish(options.statusTopic(), online, 1, true, 0);
            }
            connected = true;
            everConnected = true;
        } catch (Failure e) {
            connected = false;
            abandonConnection();
            throw translate(e);
        }
    }

    /** Waits for {@code op}, at most {@code timeoutMs} and never past close(). */
    private void await(PahoClient.Op op, long timeoutMs) throws Failure {
        awaitConnect(null, op, timeoutMs);
    }

    /** {@link #await}, nudging the connect thread of {@code connecting} (null: none) every millisecond. */
    private void awaitConnect(PahoClient connecting, PahoClient.Op op, long timeoutMs) throws Failure {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!op.done()) {
            if (connecting != null) {
                connecting.nudgeConnect();
            }
            Failure f = op.failure();
            if (f != null) {
                throw f;
            }
            if (closing) {
                throw new Failure(Failure.Reason.GAVE_UP, "the link is closing", null);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new Failure(Failure.Reason.UNREACHABLE, "no answer within " + timeoutMs + " ms", null);
            }
            LockSupport.parkNanos(this, Math.min(left, connecting != null ? 1_000_000L : 10_000_000L));
        }
    }

    /**
     * Brings Paho back to disconnected, its threads ended, after a failed or abandoned connect: a
     * connect still waiting for CONNACK would otherwise keep its threads and refuse every later
     * connect as "in progress". A forced disconnect waits until Paho's connect thread has finished
     * starting up (see {@link ConnectGuard}): a TCP connect or TLS handshake is bounded by
     * the connect timeout, the rest takes milliseconds.
     */
    private void abandonConnection() {
        long deadline = System.nanoTime() + (options.connectTimeoutSeconds() + 5) * 1_000_000_000L;
        try {
            if (!client.awaitConnectThreadDone(deadline)) {
                LOG.warn("MQTT connect thread for {} still starting after {} s; disconnecting anyway",
                        options.clientId(), options.connectTimeoutSeconds() + 5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (client.connectingOrConnected()) {
            try {
                client.dropConnection();
            } catch (Failure e) {
                LOG.debug("MQTT forced disconnect failed: {}", e.getMessage());
            }
        }
        // A failure reported by the receiver or sender reaches the token while Paho is still shutting
        // the connection down; the next connect would be refused as "disconnecting" until it is done.
        if (!client.awaitDisconnected(System.nanoTime() + 5_000_000_000L)) {
            LOG.warn("MQTT client {} still disconnecting after 5 s", options.clientId());
        }
    }

    /**
     * Waits until the broker has delivered the retained messages of the subscriptions: it publishes
     * a probe to a private topic and waits for it to come back, which brokers deliver after the
     * retained messages of earlier subscriptions (bounded, in case the broker drops the probe).
     */
    private void syncRetained(PahoClient c, Runnable wake) throws Failure {
        // Under the robot's own topics when there are any, so a per-robot broker ACL (actuate/<robot>/#) allows it.
        String probe = (options.statusTopic() != null ? options.statusTopic() + "/sync/" : "actuate/sync/")
                + options.clientId();
        java.util.concurrent.CountDownLatch back = new java.util.concurrent.CountDownLatch(1);
        await(c.subscribe(probe, 1, (t, m) -> back.countDown(), wake), 5000);
        c.publish(probe, new byte[] {1}, 1, false, 0);
        try {
            if (!back.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("MQTT broker {} did not return the sync probe within 5 s", options.brokerUrl());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        c.unsubscribe(probe);
    }

    private void dispatch(Subscription s, String topic, byte[] payload) {
        try {
            s.handler().accept(topic, payload);
        } catch (RuntimeException e) {
            // An exception escaping to Paho would close the connection; count it instead.
            handlerFailures.incrementAndGet();
        }
    }

    private MqttConnectException translate(Failure e) {
        String who = options.credentials() == null ? "anonymous client" : "user " + options.credentials().username();
        return switch (e.reason()) {
            case AUTHENTICATION -> new MqttConnectException(MqttConnectException.Kind.AUTHENTICATION, options.credentials() == null
                    ? "MQTT broker " + options.brokerUrl() + " refused the anonymous connection: it requires a username and password (auth: in the robot config)"
                    : "MQTT broker " + options.brokerUrl() + " rejected credentials for user " + options.credentials().username(), null);
            case UNREACHABLE -> new MqttConnectException(MqttConnectException.Kind.UNREACHABLE, "MQTT broker " + options.brokerUrl()
                    + " is unreachable (" + who + "): " + e.getMessage(), e);
            case UNSUPPORTED_VERSION -> new MqttConnectException(MqttConnectException.Kind.UNSUPPORTED_VERSION, "MQTT broker "
                    + options.brokerUrl() + " does not speak MQTT " + client.version().label() + " (" + who + "); set mqtt: {version: "
                    + (client.version() == MqttVersion.V5 ? "3.1.1" : "5") + "} in the robot config", e);
            default -> new MqttConnectException(MqttConnectException.Kind.OTHER, "MQTT connection to " + options.brokerUrl()
                    + " failed (" + who + "): " + e.getMessage(), e);
        };
    }

    private void ioLoop() {
        long backoffMs = 50;
        while (running) {
            if (!connected || !client.isConnected()) {
                connected = false;
                try {
                    connectOnce();
                    reconnects.incrementAndGet();
                    backoffMs = 50;
                    LOG.info("MQTT reconnected to {} as {}", options.brokerUrl(), options.clientId());
                } catch (MqttConnectException e) {
                    if (e.kind() == MqttConnectException.Kind.AUTHENTICATION || e.kind() == MqttConnectException.Kind.REFUSED
                            || e.kind() == MqttConnectException.Kind.UNSUPPORTED_VERSION) {
                        fatal = e;
                        running = false;
                        LOG.error(e.getMessage());
                        onFatal.accept(e);
                        return;
                    }
                    if (!running) {
                        return;
                    }
                    LockSupport.parkNanos(this, backoffMs * 1_000_000L);
                    backoffMs = Math.min(options.maxBackoffMs(), backoffMs * 2);
                }
                continue;
            }
            if (announceOnline && options.statusTopic() != null) {
                announceOnline = false;
                publish(options.statusTopic(), online, 1, true, 0);
            }
            for (Publisher p : publishers) {
                p.publishPending(this);
            }
            // Producers unpark us; the timeout only bounds how long a lost wakeup could delay a check.
            LockSupport.parkNanos(this, 20_000_000L);
        }
    }

    /** Publishes from the I/O thread (a {@link Publisher}); failures are counted, not thrown. */
    public void publish(String topic, byte[] payload, int qos, boolean retained) {
        publish(topic, payload, qos, retained, 0);
    }

    /**
     * As {@link #publish(String, byte[], int, boolean)}, expiring after {@code expirySeconds} (MQTT 5:
     * the broker drops it rather than deliver it later; 0 = never; ignored in 3.1.1).
     */
    public void publish(String topic, byte[] payload, int qos, boolean retained, long expirySeconds) {
        try {
            client.publish(topic, payload, qos, retained, expirySeconds);
        } catch (Failure e) {
            publishFailures.incrementAndGet();
        }
    }

    /** Asks the I/O thread to poll its publishers now. Allocation-free; safe from any thread. */
    public void wakeup() {
        Thread t = ioThread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    public boolean connected() {
        return connected && client.isConnected();
    }

    /** The fatal error that stopped the reconnect loop, or null. */
    public MqttConnectException fatalError() {
        return fatal;
    }

    /** Successful reconnects after the first connect. */
    public long reconnects() {
        return reconnects.get();
    }

    public long publishFailures() {
        return publishFailures.get();
    }

    public long handlerFailures() {
        return handlerFailures.get();
    }

    public MqttLinkOptions options() {
        return options;
    }

    /**
     * Stops the I/O thread, announces "offline" (a clean disconnect does not fire the Will),
     * disconnects and releases Paho's threads.
     */
    @Override
    public void close() {
        closing = true;
        running = false;
        Thread t = ioThread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (client.isConnected()) {
            // What producers handed over last (a safe action on the way out) still goes out.
            for (Publisher p : publishers) {
                p.publishPending(this);
            }
            try {
                if (options.statusTopic() != null && offlineOnClose) {
                    awaitQuietly(client.publish(options.statusTopic(), offline, 1, true, 0), 1000);
                }
                awaitQuietly(client.disconnect(500), 2000);
            } catch (Failure e) {
                LOG.debug("MQTT disconnect from {} failed: {}", options.brokerUrl(), e.getMessage());
            }
        }
        connected = false;
        abandonConnection();
        closeClient();
    }

    private void closeClient() {
        try {
            client.close();
        } catch (Failure e) {
            LOG.debug("MQTT close failed: {}", e.getMessage());
        }
    }

    /** close(): closing is set, so {@link #await} would give up at once; this waits on the deadline alone. */
    private void awaitQuietly(PahoClient.Op op, long timeoutMs) throws Failure {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!op.done() && deadline - System.nanoTime() > 0) {
            Failure f = op.failure();
            if (f != null) {
                throw f;
            }
            LockSupport.parkNanos(this, 1_000_000L);
        }
    }

    @Override
    public String toString() {
        return "MqttLink[" + options + ", connected=" + connected() + ", reconnects=" + reconnects() + "]";
    }
}
