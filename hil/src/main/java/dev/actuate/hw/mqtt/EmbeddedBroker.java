package dev.actuate.hw.mqtt;

import dev.actuate.hw.broker.ActuateBroker;
import dev.actuate.hw.config.Credentials;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.InterceptHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process broker: Actuate's own single-threaded {@link ActuateBroker} (MQTT 3.1.1 and 5; what
 * {@code actuate demo}, {@code broker} and {@link dev.actuate.runtime.HilRun} start by default, chosen by
 * the quiet measurements in docs/broker.md) or Moquette 0.17 (MQTT 3.1.1), picked by {@link Impl}. The
 * factories without an {@link Impl} start Moquette, as they did before ActuateBroker existed.
 *
 * <p>Configured for control traffic: no persistence, {@code TCP_NODELAY}, every write flushed at
 * once (Moquette otherwise batches flushes), telemetry off. Moquette 0.17 has a known defect: an
 * exception in a session event loop ends that loop's thread for good, silently stalling every
 * client hashed to it (fixed upstream by moquette-io/moquette#957, not in a release we can use). We
 * listen for {@code onSessionLoopError} and start a new loop thread on the dead loop's queue
 * ({@link SessionLoopReviver}), so only the throwing command is lost; where that is impossible we
 * restart the whole broker, which our clients survive through their reconnect loop.
 * {@link #sessionLoopErrors()}, {@link #revivedLoops()} and {@link #restarts()} count the events.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** Which broker runs in-process. */
    public enum Impl {
        /** Moquette 0.17: MQTT 3.1.1 only, a PUBLISH crosses 3-5 threads. */
        MOQUETTE("moquette"),
        /** {@link ActuateBroker}: MQTT 3.1.1 and 5, one selector thread. */
        ACTUATE("actuate");

        private final String label;

        Impl(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Whether clients may speak MQTT 5 to it (Moquette 0.17 refuses 5). */
        public boolean speaksMqtt5() {
            return this == ACTUATE;
        }

        /** {@code actuate} or {@code moquette}; a clear error naming {@code option} otherwise. */
        public static Impl parse(String option, String value) {
            for (Impl i : values()) {
                if (i.label.equalsIgnoreCase(value)) {
                    return i;
                }
            }
            throw new IllegalArgumentException(option + ": '" + value + "' is not one of actuate, moquette");
        }
    }

    private final String host;
    private final int requestedPort;
    private final Credentials credentials;
    private final Impl impl;
    private ActuateBroker actuate;
    private final AtomicLong sessionLoopErrors = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong revivedLoops = new AtomicLong();
    private Server server;
    private volatile SessionLoopReviver reviver;
    private int port;
    private volatile boolean closed;

    private EmbeddedBroker(String host, int port, Credentials credentials, Impl impl) {
        this.host = host;
        this.requestedPort = port;
        this.credentials = credentials;
        this.impl = impl;
    }

    /** Starts an anonymous Moquette broker; port 0 picks a free port. */
    public static EmbeddedBroker start(String host, int port) {
        return start(host, port, null);
    }

    /** Starts a Moquette broker that accepts only {@code credentials} (or anyone when null). */
    public static EmbeddedBroker start(String host, int port, Credentials credentials) {
        return start(host, port, credentials, Impl.MOQUETTE);
    }

    /** Starts {@code impl} on {@code host:port} (0 = a free port), accepting only {@code credentials} (anyone when null). */
    public static EmbeddedBroker start(String host, int port, Credentials credentials, Impl impl) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " is outside 0..65535");
        }
        EmbeddedBroker b = new EmbeddedBroker(host, port, credentials, impl);
        if (impl == Impl.ACTUATE) {
            b.actuate = ActuateBroker.start(host, port, credentials);
            b.port = b.actuate.port();
        } else {
            b.launch(port == 0 ? freePort(host) : port);
        }
        return b;
    }

    public Impl impl() {
        return impl;
    }

    /** Whether clients may speak MQTT 5 to it ({@link Impl#speaksMqtt5()}). */
    public boolean speaksMqtt5() {
        return impl.speaksMqtt5();
    }

    private static int freePort(String host) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host + ": " + e.getMessage(), e);
        }
    }

    private synchronized void launch(int p) {
        Properties props = new Properties();
        props.setProperty("host", host);
        props.setProperty("port", Integer.toString(p));
        props.setProperty("websocket_port", "disabled");
        props.setProperty("persistence_enabled", "false");
        props.setProperty("telemetry_enabled", "false");
        props.setProperty("immediate_buffer_flush", "true");
        props.setProperty("netty.tcp_nodelay", "true");
        props.setProperty("allow_anonymous", Boolean.toString(credentials == null));
        // MQTT 3.1.1 lets a clean-session client send an empty id for the broker to assign (mosquitto_pub and
        // mosquitto_sub do so without -i); Moquette still rejects an empty id with a persistent session.
        props.setProperty("allow_zero_byte_client_id", "true");
        props.setProperty("session_queue_size", "65536");
        IAuthenticator auth = credentials == null ? null : (clientId, user, pw) -> credentials.matches(user, pw);
        List<InterceptHandler> handlers = List.of(new AbstractInterceptHandler() {
            @Override
            public String getID() {
                return "actuate-session-loop-watch";
            }

            @Override
            public Class<?>[] getInterceptedMessageTypes() {
                // Only loop errors: publish interception would cost a buffer copy per message.
                return new Class<?>[] {io.moquette.interception.messages.InterceptExceptionMessage.class};
            }

            @Override
            public void onSessionLoopError(Throwable error) {
                sessionLoopErrors.incrementAndGet();
                LOG.error("embedded broker: a Moquette session loop died ({}); starting a new one", error.toString());
                Thread t = new Thread(EmbeddedBroker.this::recoverFromLoopError, "actuate-broker-recover");
                t.setDaemon(true);
                t.start();
            }
        });
        Server s = new Server();
        try {
            s.startServer(new MemoryConfig(props), handlers, null, auth, null);
        } catch (IOException | RuntimeException e) {
            s.stopServer();
            throw new IllegalStateException("embedded broker cannot listen on " + host + ":" + p + ": " + e.getMessage(), e);
        }
        server = s;
        port = p;
        reviver = SessionLoopReviver.attach(s);
        if (reviver == null) {
            LOG.warn("embedded broker: this Moquette's session loops cannot be revived; a loop death will restart the broker");
        }
    }

    /** Replaces a dead session loop; restarts the broker only where that is impossible. */
    void recoverFromLoopError() {
        SessionLoopReviver r = reviver;
        if (r != null && !closed) {
            try {
                int n = r.reviveDead(2000);
                revivedLoops.addAndGet(n);
                LOG.warn("embedded broker: {} session loop(s) restarted; the command that threw was dropped", n);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.error("embedded broker: cannot restart the session loop ({}); restarting the broker", e.toString());
            }
        }
        restartAfterLoopError();
    }

    /**
     * Stops and restarts the server on the same port. The port can stay busy for a moment after the stop,
     * so binding is retried for up to ten seconds before giving up (logged: clients then cannot reconnect).
     */
    void restartAfterLoopError() {
        if (actuate != null) {
            throw new UnsupportedOperationException("only the Moquette broker has session loops to recover");
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            server.stopServer();
            for (int attempt = 1; ; attempt++) {
                try {
                    launch(port);
                    break;
                } catch (IllegalStateException e) {
                    if (attempt == 50) {
                        LOG.error("embedded broker: restart failed, the broker is down: {}", e.getMessage());
                        closed = true;
                        return;
                    }
                    try {
                        wait(200);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            restarts.incrementAndGet();
        }
    }

    /** {@code tcp://host:port} for clients. */
    public String url() {
        return "tcp://" + host + ":" + port;
    }

    public int port() {
        return port;
    }

    public String host() {
        return host;
    }

    public long sessionLoopErrors() {
        return sessionLoopErrors.get();
    }

    public long restarts() {
        return restarts.get();
    }

    /** Session loops replaced after a loop death (no outage for clients on the other loops). */
    public long revivedLoops() {
        return revivedLoops.get();
    }

    /** The loop reviver, or null where this Moquette's layout is unknown (tests trigger loop deaths through it). */
    SessionLoopReviver reviver() {
        return reviver;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (actuate != null) {
            actuate.close();
        } else {
            server.stopServer();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedBroker[" + impl.label() + ", " + url() + (credentials == null ? ", anonymous" : ", user " + credentials.username()) + "]";
    }
}
