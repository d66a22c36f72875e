package dev.actuate.hw.mqtt;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
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
    private final MqttConnectOptions connectOptions;
    private final GuardedMqttClient client;
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
        this.connectOptions = connectOptions(options);
        try {
            this.client = new GuardedMqttClient(options.brokerUrl(), options.clientId());
        } catch (MqttException e) {
            throw new IllegalArgumentException("broker: cannot create an MQTT client for " + options.brokerUrl()
                    + ": " + e.getMessage(), e);
        }
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                connected = false;
                LOG.warn("MQTT connection to {} lost: {}", options.brokerUrl(), cause == null ? "?" : cause.getMessage());
                wakeup();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // Subscriptions carry their own listeners; nothing arrives here.
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
    }

    private MqttConnectOptions connectOptions(MqttLinkOptions o) {
        MqttConnectOptions c = new MqttConnectOptions();
        c.setCleanSession(true);
        c.setAutomaticReconnect(false);
        c.setMaxInflight(o.maxInflight());
        c.setKeepAliveInterval(o.keepAliveSeconds());
        c.setConnectionTimeout(o.connectTimeoutSeconds());
        c.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        if (o.brokerUrl().startsWith("ssl://")) {
            c.setSocketFactory(NoDelaySslSocketFactory.forConfig(o.tls()));
        } else {
            c.setSocketFactory(new NoDelaySocketFactory());
        }
        if (o.credentials() != null) {
            c.setUserName(o.credentials().username());
            c.setPassword(o.credentials().password().toCharArray());
        }
        if (o.statusTopic() != null) {
            c.setWill(o.statusTopic(), offline, 1, true);
        }
        return c;
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
        // Wakes the waiter as soon as a token completes (the wait below also polls, and close() unparks it).
        IMqttActionListener wake = new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                LockSupport.unpark(waiter);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable cause) {
                LockSupport.unpark(waiter);
            }
        };
        try {
            // Paho's connection timeout covers only TCP connect and the TLS handshake; a broker that
            // accepts TCP but never sends CONNACK is given up on here.
            await(client.connect(connectOptions, null, wake), (options.connectTimeoutSeconds() + 2) * 1000L);
            for (Subscription s : subscriptions) {
                await(client.subscribe(s.topic(), s.qos(), null, wake, (topic, msg) -> dispatch(s, topic, msg)), 5000);
            }
            Runnable check = beforeOnline;
            if (check != null) {
                syncRetained();
                try {
                    check.run();
                } catch (IllegalStateException e) {
                    // A clean DISCONNECT: the Will must not overwrite the status of the client that owns it.
                    try {
                        client.disconnect(0).waitForCompletion(2000);
                    } catch (MqttException ignored) {
                        abandonConnection();
                    }
                    throw new MqttConnectException(MqttConnectException.Kind.REFUSED, e.getMessage(), null);
                }
            }
            if (options.statusTopic() != null) {
                client.publish(options.statusTopic(), online, 1, true);
            }
            connected = true;
        } catch (MqttException e) {
            connected = false;
            abandonConnection();
            throw translate(e);
        }
    }

    /** Waits for {@code token}, at most {@code timeoutMs} and never past close(). */
    private void await(IMqttToken token, long timeoutMs) throws MqttException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        // A failed token never reports isComplete(); it carries its exception instead.
        while (!token.isComplete() && token.getException() == null) {
            if (closing) {
                throw new MqttException(MqttException.REASON_CODE_CLIENT_CLOSED);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new MqttException(MqttException.REASON_CODE_CLIENT_TIMEOUT);
            }
            LockSupport.parkNanos(this, Math.min(left, 10_000_000L));
        }
        if (token.getException() != null) {
            throw token.getException();
        }
    }

    /**
     * Brings Paho back to disconnected, its threads ended, after a failed or abandoned connect: a
     * connect still waiting for CONNACK would otherwise keep its threads and refuse every later
     * connect as "in progress". A forced disconnect waits until Paho's connect thread has finished
     * starting up (see {@link GuardedMqttClient}): a TCP connect or TLS handshake is bounded by
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
                client.disconnectForcibly(0, 0, false);
            } catch (MqttException e) {
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
    private void syncRetained() throws MqttException {
        // Under the robot's own topics when there are any, so a per-robot broker ACL (actuate/<robot>/#) allows it.
        String probe = (options.statusTopic() != null ? options.statusTopic() + "/sync/" : "actuate/sync/")
                + options.clientId();
        java.util.concurrent.CountDownLatch back = new java.util.concurrent.CountDownLatch(1);
        client.subscribe(probe, 1, (t, m) -> back.countDown()).waitForCompletion(5000);
        client.publish(probe, new byte[] {1}, 1, false);
        try {
            if (!back.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("MQTT broker {} did not return the sync probe within 5 s", options.brokerUrl());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.unsubscribe(probe);
    }

    private void dispatch(Subscription s, String topic, MqttMessage msg) {
        try {
            s.handler().accept(topic, msg.getPayload());
        } catch (RuntimeException e) {
            // An exception escaping to Paho would close the connection; count it instead.
            handlerFailures.incrementAndGet();
        }
    }

    private MqttConnectException translate(MqttException e) {
        int code = e.getReasonCode();
        String who = options.credentials() == null ? "anonymous client" : "user " + options.credentials().username();
        if (code == MqttException.REASON_CODE_FAILED_AUTHENTICATION || code == MqttException.REASON_CODE_NOT_AUTHORIZED) {
            String msg = options.credentials() == null
                    ? "MQTT broker " + options.brokerUrl() + " refused the anonymous connection: it requires a username and password (auth: in the robot config)"
                    : "MQTT broker " + options.brokerUrl() + " rejected credentials for user " + options.credentials().username();
            return new MqttConnectException(MqttConnectException.Kind.AUTHENTICATION, msg, null);
        }
        if (code == MqttException.REASON_CODE_SERVER_CONNECT_ERROR || code == MqttException.REASON_CODE_CLIENT_TIMEOUT) {
            return new MqttConnectException(MqttConnectException.Kind.UNREACHABLE, "MQTT broker " + options.brokerUrl()
                    + " is unreachable (" + who + "): " + describe(e), e);
        }
        return new MqttConnectException(MqttConnectException.Kind.OTHER, "MQTT connection to " + options.brokerUrl()
                + " failed (" + who + "): " + describe(e), e);
    }

    private static String describe(MqttException e) {
        Throwable c = e.getCause();
        return c == null ? e.getMessage() : e.getMessage() + " (" + c.getClass().getSimpleName() + ": " + c.getMessage() + ")";
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
                    if (e.kind() == MqttConnectException.Kind.AUTHENTICATION || e.kind() == MqttConnectException.Kind.REFUSED) {
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
                publish(options.statusTopic(), online, 1, true);
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
        try {
            client.publish(topic, payload, qos, retained);
        } catch (MqttException e) {
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
                    client.publish(options.statusTopic(), offline, 1, true).waitForCompletion(1000);
                }
                client.disconnect(500).waitForCompletion(2000);
            } catch (MqttException e) {
                LOG.debug("MQTT disconnect from {} failed: {}", options.brokerUrl(), e.getMessage());
            }
        }
        connected = false;
        abandonConnection();
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("MQTT close failed: {}", e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "MqttLink[" + options + ", connected=" + connected() + ", reconnects=" + reconnects() + "]";
    }
}
