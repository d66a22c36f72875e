package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.MqttVersion;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.internal.NetworkModule;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttPacketException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttReturnCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * {@link PahoClient} over Paho's MQTT 5 client ({@code org.eclipse.paho.mqttv5.client}). Over 3.1.1 it
 * adds message expiry on publishes and a session expiry on connect ({@link MqttLinkOptions#sessionExpirySeconds()}):
 * with one set, reconnects resume the broker's session for this client id instead of starting clean.
 */
final class PahoV5Client implements PahoClient {
    private final Guarded client;
    private final MqttConnectionOptions connectOptions;
    /** Subscriptions and their handlers; every one whose filter matches gets a message (as Paho's v3 listeners). */
    private final List<Route> routes = new java.util.concurrent.CopyOnWriteArrayList<>();

    private record Route(String filter, BiConsumer<String, byte[]> handler) {
    }

    PahoV5Client(MqttLinkOptions o, byte[] willPayload, Consumer<String> onConnectionLost) throws Failure {
        try {
            client = new Guarded(o.brokerUrl(), o.clientId());
        } catch (MqttException e) {
            throw translate(e);
        }
        MqttConnectionOptions c = new MqttConnectionOptions();
        c.setCleanStart(true);
        c.setSessionExpiryInterval(o.sessionExpirySeconds());
        c.setAutomaticReconnect(false);
        c.setKeepAliveInterval(o.keepAliveSeconds());
        c.setConnectionTimeout(o.connectTimeoutSeconds());
        // Incoming QoS 1 window (MQTT 5's receive maximum); the outgoing one is the broker's to set.
        c.setReceiveMaximum(Math.min(65_535, o.maxInflight()));
        c.setSocketFactory(o.socketFactory());
        if (o.credentials() != null) {
            c.setUserName(o.credentials().username());
            c.setPassword(o.credentials().password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (o.statusTopic() != null) {
            MqttMessage will = new MqttMessage(willPayload, 1, true, null);
            c.setWill(o.statusTopic(), will);
        }
        connectOptions = c;
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
                onConnectionLost.accept(r.getException() != null ? String.valueOf(r.getException().getMessage())
                        : "broker sent DISCONNECT, reason " + r.getReturnCode()
                        + (r.getReasonString() == null ? "" : " (" + r.getReasonString() + ")"));
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                for (Route r : routes) {
                    if (TopicFilter.matches(r.filter, topic)) {
                        r.handler.accept(topic, message.getPayload());
                    }
                }
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
    }

    @Override
    public MqttVersion version() {
        return MqttVersion.V5;
    }

    private static Op op(IMqttToken t) {
        return GuardedAttempts.op(t::isComplete, t::getException, PahoV5Client::translate);
    }

    private static MqttActionListener wake(Runnable wake) {
        return new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                wake.run();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable cause) {
                wake.run();
            }
        };
    }

    @Override
    public Op connect(boolean resumeSession, Runnable wake) throws Failure {
        // Only the link's own earlier connection may be resumed: a session left by an earlier process
        // could hold queued messages for someone else's run, so the first connect always starts clean.
        connectOptions.setCleanStart(!(resumeSession && connectOptions.getSessionExpiryInterval() != null
                && connectOptions.getSessionExpiryInterval() > 0));
        try {
            return op(client.connect(connectOptions, null, wake(wake)));
        } catch (MqttException e) {
            throw translate(e);
        }
    }

    @Override
    public Op subscribe(String filter, int qos, BiConsumer<String, byte[]> handler, Runnable wake) throws Failure {
        // Paho 1.2.5's per-subscription listeners live in a HashMap that its callback thread iterates while
        // a later subscribe or unsubscribe changes it (ConcurrentModificationException, and the connection
        // is dropped: seen at every connect whose retained messages arrive while it still subscribes). So
        // messages arrive at the client callback and are routed here.
        // A re-subscribe after a reconnect replaces the route, as a v3 listener is replaced.
        routes.removeIf(r -> r.filter.equals(filter));
        routes.add(new Route(filter, handler));
        try {
            return op(client.subscribe(new MqttSubscription[] {new MqttSubscription(filter, qos)}, null, wake(wake),
                    new MqttProperties()));
        } catch (MqttException e) {
            throw translate(e);
        }
    }

    @Override
    public void unsubscribe(String filter) throws Failure {
        routes.removeIf(r -> r.filter.equals(filter));
        try {
            client.unsubscribe(filter);
        } catch (MqttException e) {
            throw translate(e);
        }
    }

    @Override
    public Op publish(String topic, byte[] payload, int qos, boolean retained, long expirySeconds) throws Failure {
        MqttProperties props = null;
        if (expirySeconds > 0) {
            props = new MqttProperties();
            props.setMessageExpiryInterval(expirySeconds);
        }
        try {
            return op(client.publish(topic, new MqttMessage(payload, qos, retained, props)));
        } catch (MqttException e) {
            throw translate(e);
        }
    }

    @Override
    public Op disconnect(long quiesceMs) throws Failure {
        // The link disconnects only for good (close, or a refused start): end the session now rather
        // than leave the broker queueing for it until the session expiry.
        MqttProperties props = new MqttProperties();
        props.setSessionExpiryInterval(0L);
        try {
            return op(client.disconnect(quiesceMs, null, null, MqttReturnCode.RETURN_CODE_SUCCESS, props));
        } catch (MqttException e) {
            throw translate(e);
        }
    }

    @Override
    public void dropConnection() throws Failure {
        try {
            client.disconnectForcibly(0, 0, false);
        } catch (MqttException e) {
            throw translate(e);
        }
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public boolean connectingOrConnected() {
        return client.connectingOrConnected();
    }

    @Override
    public boolean awaitConnectThreadDone(long deadlineNanos) throws InterruptedException {
        return client.attempts.awaitSettled(deadlineNanos);
    }

    @Override
    public void nudgeConnect() {
        client.attempts.nudge();
    }

    @Override
    public boolean awaitDisconnected(long deadlineNanos) {
        return client.awaitDisconnected(deadlineNanos);
    }

    @Override
    public boolean awaitReadyToConnect(long deadlineNanos) {
        return client.awaitReadyToConnect(deadlineNanos);
    }

    @Override
    public void close() throws Failure {
        try {
            client.close(true);
        } catch (MqttException e) {
            throw translate(e);
        }
    }

    static Failure translate(MqttException e) {
        Failure.Reason r = switch (e.getReasonCode()) {
            case MqttReturnCode.RETURN_CODE_BAD_USERNAME_OR_PASSWORD, MqttReturnCode.RETURN_CODE_NOT_AUTHORIZED,
                    MqttReturnCode.RETURN_CODE_BAD_AUTHENTICATION -> Failure.Reason.AUTHENTICATION;
            // A 3.1.1-only broker (Moquette 0.17) answers an MQTT 5 CONNECT with a 3.1.1 CONNACK, return code 1
            // "unacceptable protocol version", which the v5 parser reports as an invalid return code.
            case MqttReturnCode.RETURN_CODE_UNSUPPORTED_PROTOCOL_VERSION, MqttClientException.REASON_CODE_INVALID_PROTOCOL_VERSION,
                    MqttPacketException.REASON_CODE_INVALID_RETURN_CODE, MqttPacketException.REASON_CODE_UNSUPPORTED_PROTOCOL_VERSION
                    -> Failure.Reason.UNSUPPORTED_VERSION;
            case MqttClientException.REASON_CODE_SERVER_CONNECT_ERROR, MqttClientException.REASON_CODE_CLIENT_TIMEOUT
                    -> Failure.Reason.UNREACHABLE;
            default -> Failure.Reason.OTHER;
        };
        return new Failure(r, GuardedAttempts.describe(e), e);
    }

    /** Paho's v5 client with each connect attempt's socket behind a {@link ConnectGuard} (same leak as v3). */
    private static final class Guarded extends MqttAsyncClient {
        private final GuardedAttempts attempts = new GuardedAttempts();

        Guarded(String brokerUrl, String clientId) throws MqttException {
            super(brokerUrl, clientId, new MemoryPersistence());
        }

        @Override
        protected NetworkModule[] createNetworkModules(String address, MqttConnectionOptions options) throws MqttException {
            NetworkModule d = GuardedAttempts.onlyModule(super.createNetworkModules(address, options), address);
            ConnectGuard g = attempts.next();
            ConnectGuard.Socket socket = GuardedAttempts.socket(d::start, d::stop);
            return new NetworkModule[] {new NetworkModule() {
                @Override
                public void start() throws IOException, MqttException {
                    g.<MqttException>start(socket);
                }

                @Override
                public InputStream getInputStream() throws IOException {
                    return g.input(d.getInputStream());
                }

                @Override
                public OutputStream getOutputStream() throws IOException {
                    return g.output(d.getOutputStream());
                }

                @Override
                public void stop() throws IOException {
                    g.stop(socket);
                }

                @Override
                public String getServerURI() {
                    return d.getServerURI();
                }
            }};
        }

        @Override
        public IMqttToken connect(MqttConnectionOptions options, Object userContext, MqttActionListener callback)
                throws MqttException {
            try {
                return super.connect(options, userContext, callback);
            } catch (MqttException | RuntimeException e) {
                attempts.abandon();
                throw e;
            }
        }

        boolean awaitDisconnected(long deadlineNanos) {
            return GuardedAttempts.awaitDisconnected(this, () -> comms.isDisconnected() || comms.isClosed(), getClientId(),
                    deadlineNanos, this::wakeSender);
        }

        boolean awaitReadyToConnect(long deadlineNanos) {
            return attempts.awaitReadyToConnect(() -> awaitDisconnected(deadlineNanos), comms::isDisconnected, () -> {
                        // quiesce with a timeout empties both send queues (at most 1 ms: nothing is in flight) and
                        // zeroes the in-flight count, as Paho's clean disconnect does.
                        var state = comms.getClientState();
                        if (state != null) {
                            state.quiesce(1);
                        }
                    });
        }

        private void wakeSender() {
            var state = comms.getClientState();
            if (state != null) {
                state.notifyQueueLock();
            }
        }

        boolean connectingOrConnected() {
            return comms.isConnecting() || comms.isConnected();
        }
    }
}
