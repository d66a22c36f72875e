package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.MqttVersion;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.internal.NetworkModule;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** {@link PahoClient} over Paho's MQTT 3.1.1 client ({@code org.eclipse.paho.client.mqttv3}), clean sessions. */
final class PahoV3Client implements PahoClient {
    private final Guarded client;
    private final MqttConnectOptions connectOptions;

    PahoV3Client(MqttLinkOptions o, byte[] willPayload, Consumer<String> onConnectionLost) throws Failure {
        try {
            client = new Guarded(o.brokerUrl(), o.clientId());
        } catch (MqttException e) {
            throw translate(e);
        }
        MqttConnectOptions c = new MqttConnectOptions();
        c.setCleanSession(true);
        c.setAutomaticReconnect(false);
        c.setMaxInflight(o.maxInflight());
        c.setKeepAliveInterval(o.keepAliveSeconds());
        c.setConnectionTimeout(o.connectTimeoutSeconds());
        c.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        c.setSocketFactory(o.socketFactory());
        if (o.credentials() != null) {
            c.setUserName(o.credentials().username());
            c.setPassword(o.credentials().password().toCharArray());
        }
        if (o.statusTopic() != null) {
            c.setWill(o.statusTopic(), willPayload, 1, true);
        }
        connectOptions = c;
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                onConnectionLost.accept(cause == null ? "?" : String.valueOf(cause.getMessage()));
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

    @Override
    public MqttVersion version() {
        return MqttVersion.V3_1_1;
    }

    private static Op op(IMqttToken t) {
        return GuardedAttempts.op(t::isComplete, t::getException, PahoV3Client::translate);
    }

    private static IMqttActionListener wake(Runnable wake) {
        return new IMqttActionListener() {
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
        try {
            return op(client.connect(connectOptions, null, wake(wake)));
        } catch (MqttException e) {
            throw translate(e);
        }
    }

    @Override
    public Op subscribe(String filter, int qos, BiConsumer<String, byte[]> handler, Runnable wake) throws Failure {
        try {
            return op(client.subscribe(filter, qos, null, wake(wake), (t, m) -> handler.accept(t, m.getPayload())));
        } catch (MqttException e) {
            throw translate(e);
        }
    }

    @Override
    public void unsubscribe(String filter) throws Failure {
        try {
            client.unsubscribe(filter);
        } catch (MqttException e) {
            throw translate(e);
        }
    }

    @Override
    public Op publish(String topic, byte[] payload, int qos, boolean retained, long expirySeconds) throws Failure {
        try {
            return op(client.publish(topic, payload, qos, retained));
        } catch (MqttException e) {
            throw translate(e);
        }
    }

    @Override
    public Op disconnect(long quiesceMs) throws Failure {
        try {
            return op(client.disconnect(quiesceMs));
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
            case MqttException.REASON_CODE_FAILED_AUTHENTICATION, MqttException.REASON_CODE_NOT_AUTHORIZED -> Failure.Reason.AUTHENTICATION;
            case MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION -> Failure.Reason.UNSUPPORTED_VERSION;
            case MqttException.REASON_CODE_SERVER_CONNECT_ERROR, MqttException.REASON_CODE_CLIENT_TIMEOUT -> Failure.Reason.UNREACHABLE;
            default -> Failure.Reason.OTHER;
        };
        return new Failure(r, GuardedAttempts.describe(e), e);
    }

    /** Paho's v3 client with each connect attempt's socket behind a {@link ConnectGuard}. */
    private static final class Guarded extends MqttAsyncClient {
        private final GuardedAttempts attempts = new GuardedAttempts();

        Guarded(String brokerUrl, String clientId) throws MqttException {
            super(brokerUrl, clientId, new MemoryPersistence());
        }

        @Override
        protected NetworkModule[] createNetworkModules(String address, MqttConnectOptions options) throws MqttException {
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
        public IMqttToken connect(MqttConnectOptions options, Object userContext, IMqttActionListener callback)
                throws MqttException {
            try {
                return super.connect(options, userContext, callback);
            } catch (MqttException | RuntimeException e) {
                // Refused before a connect thread started (already connecting, disconnecting, closed).
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
