package dev.actuate.hw.mqtt;

import dev.actuate.hw.Signal;
import dev.actuate.hw.config.AdapterType;
import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.config.MqttSettings;
import dev.actuate.hw.config.MqttVersion;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.testing.Await;
import dev.actuate.hw.testing.MosquittoProcess;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared pieces of the Mosquitto tests. Waits poll a condition with a generous deadline; they never assert timing. */
final class MqttTestSupport {
    private MqttTestSupport() {
    }

    static void assumeMosquitto() {
        assumeTrue(MosquittoProcess.availableOrFail(), "mosquitto is not installed; set ACTUATE_REQUIRE_MOSQUITTO=1 to fail instead");
    }

    /** A private Mosquitto broker for one test (skipped, or failed under ACTUATE_REQUIRE_MOSQUITTO, without it). */
    static MosquittoProcess mosquitto() {
        assumeMosquitto();
        return MosquittoProcess.start();
    }

    static RobotConfig config(String id, String url, PayloadFormat format, Credentials creds) {
        return new RobotConfig(id, url, AdapterType.NATIVE, format, creds, null, 100,
                List.of(new Signal("a", "", -10, 10), new Signal("b", "", -10, 10), new Signal("c", "", -10, 10)),
                List.of(new Signal("u", "", -1, 1), new Signal("v", "", -1, 1)), List.of(), List.of(), null, null);
    }

    /** The same robot speaking {@code version} only (no fallback), commands expiring after 3 periods. */
    static RobotConfig config(String id, String url, PayloadFormat format, Credentials creds, MqttVersion version) {
        return config(id, url, format, creds).withMqtt(new MqttSettings(version, true, MqttSettings.DEFAULT_EXPIRY_PERIODS, 0));
    }

    static void await(String what, BooleanSupplier condition) {
        Await.until(what, 20, condition);
    }

    /** A plain Paho client recording every message on its subscriptions. */
    static final class Probe implements AutoCloseable {
        final MqttAsyncClient client;
        final BlockingQueue<String[]> text = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> payloads = new LinkedBlockingQueue<>();

        Probe(String url, String id) throws Exception {
            this(url, id, null);
        }

        Probe(String url, String id, Credentials creds) throws Exception {
            client = new MqttAsyncClient(url, id, new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            if (creds != null) {
                o.setUserName(creds.username());
                o.setPassword(creds.password().toCharArray());
            }
            o.setCleanSession(true);
            o.setMaxInflight(20_000);
            client.connect(o).waitForCompletion(10_000);
        }

        Probe subscribe(String topic) throws Exception {
            client.subscribe(topic, 1, (t, m) -> {
                text.add(new String[] {t, new String(m.getPayload())});
                payloads.add(m.getPayload());
            }).waitForCompletion(10_000);
            return this;
        }

        void publish(String topic, byte[] payload) throws Exception {
            client.publish(topic, payload, 0, false);
        }

        @Override
        public void close() throws Exception {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5000);
            }
            client.close(true);
        }
    }

    /** A message as a plain MQTT 5 client received it: payload and the Message Expiry Interval left (null: none). */
    record Received5(String topic, byte[] payload, Long expirySeconds) {
        String text() {
            return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A plain Paho MQTT 5 client (Paho's own listener-free path: messages arrive at the client callback). */
    static final class Probe5 implements AutoCloseable {
        final org.eclipse.paho.mqttv5.client.MqttAsyncClient client;
        final BlockingQueue<Received5> received = new LinkedBlockingQueue<>();
        private final org.eclipse.paho.mqttv5.client.MqttConnectionOptions options = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();

        /** {@code sessionExpirySeconds} > 0: the broker keeps the session (and queues for it) while this client is away. */
        Probe5(String url, String id, long sessionExpirySeconds) throws Exception {
            this(url, id, sessionExpirySeconds, true);
        }

        /** {@code connectNow} false: call {@link #connect(boolean)} (e.g. to resume a session left by another client). */
        Probe5(String url, String id, long sessionExpirySeconds, boolean connectNow) throws Exception {
            client = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(url, id,
                    new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            client.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
                @Override
                public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) {
                }

                @Override
                public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) {
                }

                @Override
                public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
                    received.add(new Received5(topic, m.getPayload(), m.getProperties() == null ? null
                            : m.getProperties().getMessageExpiryInterval()));
                }

                @Override
                public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
                }

                @Override
                public void connectComplete(boolean reconnect, String serverURI) {
                }

                @Override
                public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) {
                }
            });
            options.setSessionExpiryInterval(sessionExpirySeconds);
            if (connectNow) {
                connect(true);
            }
        }

        /** {@code cleanStart} false resumes the session the broker kept; returns whether the broker had one. */
        boolean connect(boolean cleanStart) throws Exception {
            options.setCleanStart(cleanStart);
            org.eclipse.paho.mqttv5.client.IMqttToken t = client.connect(options);
            t.waitForCompletion(10_000);
            return t.getSessionPresent();
        }

        Probe5 subscribe(String topic, int qos) throws Exception {
            client.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                    new org.eclipse.paho.mqttv5.common.MqttSubscription(topic, qos)}, null, null,
                    new org.eclipse.paho.mqttv5.common.packet.MqttProperties()).waitForCompletion(10_000);
            return this;
        }

        /** QoS 0, not retained; {@code expirySeconds} 0 = none. */
        void publish(String topic, byte[] payload, long expirySeconds) throws Exception {
            org.eclipse.paho.mqttv5.common.packet.MqttProperties p = new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
            if (expirySeconds > 0) {
                p.setMessageExpiryInterval(expirySeconds);
            }
            client.publish(topic, new org.eclipse.paho.mqttv5.common.MqttMessage(payload, 0, false, p)).waitForCompletion(10_000);
        }

        /** QoS 1, not retained, acknowledged by the broker before this returns. */
        void publishQos1(String topic, byte[] payload) throws Exception {
            client.publish(topic, new org.eclipse.paho.mqttv5.common.MqttMessage(payload, 1, false,
                    new org.eclipse.paho.mqttv5.common.packet.MqttProperties())).waitForCompletion(10_000);
        }

        void disconnect() throws Exception {
            client.disconnect().waitForCompletion(10_000);
        }

        @Override
        public void close() throws Exception {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5000);
            }
            client.close(true);
        }
    }

    static long threadsNamedContaining(String part) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().contains(part)).count();
    }
}
