package dev.actuate.hw.broker;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real Paho client, v3 ({@code org.eclipse.paho.client.mqttv3}) or v5, behind one small test interface. */
abstract class TestClient implements AutoCloseable {
    /** A message as the client received it; the MQTT 5 fields are null / empty over 3.1.1. */
    record Received(String topic, String payload, int qos, boolean retained, Long expirySeconds, String contentType,
                    List<String> userProperties) {
    }

    /** What to connect with. */
    record Options(String willTopic, String willPayload, boolean willRetain, int keepAliveSeconds, String user,
                   String password) {
        static Options plain() {
            return new Options(null, null, false, 60, null, null);
        }

        Options will(String topic, String payload, boolean retain) {
            return new Options(topic, payload, retain, keepAliveSeconds, user, password);
        }

        Options login(String u, String p) {
            return new Options(willTopic, willPayload, willRetain, keepAliveSeconds, u, p);
        }
    }

    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    volatile String lostReason;

    static TestClient connect(int version, String url, String id, Options o) throws Exception {
        return version == 5 ? new V5(url, id, o) : new V3(url, id, o);
    }

    static TestClient connect(int version, String url, String id) throws Exception {
        return connect(version, url, id, Options.plain());
    }

    /** Subscribes and returns the granted QoS (or the failure code). */
    abstract int subscribe(String filter, int qos) throws Exception;

    abstract void unsubscribe(String filter) throws Exception;

    abstract void publish(String topic, String payload, int qos, boolean retain) throws Exception;

    /** MQTT 5 only: with a message expiry, content type and one user property. */
    void publish5(String topic, String payload, int qos, boolean retain, long expiry, String contentType, String userKey,
                  String userValue) throws Exception {
        throw new UnsupportedOperationException("MQTT 5 only");
    }

    abstract void disconnect() throws Exception;

    /** Closes the socket without DISCONNECT (the broker must publish the will). */
    abstract void dropConnection() throws Exception;

    abstract boolean connected();

    Received next() throws InterruptedException {
        return received.poll(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (connected()) {
            disconnect();
        }
    }

    static final class V3 extends TestClient {
        final org.eclipse.paho.client.mqttv3.MqttAsyncClient c;

        V3(String url, String id, Options o) throws Exception {
            c = new org.eclipse.paho.client.mqttv3.MqttAsyncClient(url, id,
                    new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            MqttConnectOptions co = new MqttConnectOptions();
            co.setCleanSession(true);
            co.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1); // the default falls back to 3.1 on any refusal
            co.setKeepAliveInterval(o.keepAliveSeconds());
            co.setMaxInflight(1000);
            if (o.willTopic() != null) {
                co.setWill(o.willTopic(), o.willPayload().getBytes(StandardCharsets.UTF_8), 1, o.willRetain());
            }
            if (o.user() != null) {
                co.setUserName(o.user());
                co.setPassword(o.password().toCharArray());
            }
            c.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    lostReason = String.valueOf(cause);
                }

                @Override
                public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage m) {
                    received.add(new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getQos(),
                            m.isRetained(), null, null, List.of()));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            c.connect(co).waitForCompletion(10_000);
        }

        @Override
        int subscribe(String filter, int qos) throws Exception {
            var t = c.subscribe(filter, qos);
            t.waitForCompletion(10_000);
            return t.getGrantedQos()[0];
        }

        @Override
        void unsubscribe(String filter) throws Exception {
            c.unsubscribe(filter).waitForCompletion(10_000);
        }

        @Override
        void publish(String topic, String payload, int qos, boolean retain) throws Exception {
            c.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain).waitForCompletion(10_000);
        }

        @Override
        void disconnect() throws Exception {
            c.disconnect().waitForCompletion(10_000);
        }

        @Override
        void dropConnection() throws Exception {
            c.disconnectForcibly(0, 1000, false);
        }

        @Override
        boolean connected() {
            return c.isConnected();
        }
    }

    static final class V5 extends TestClient {
        final org.eclipse.paho.mqttv5.client.MqttAsyncClient c;
        final IMqttToken connectToken;

        V5(String url, String id, Options o) throws Exception {
            c = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(url, id,
                    new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            MqttConnectionOptions co = new MqttConnectionOptions();
            co.setCleanStart(true);
            co.setKeepAliveInterval(o.keepAliveSeconds());
            if (o.willTopic() != null) {
                co.setWill(o.willTopic(), new MqttMessage(o.willPayload().getBytes(StandardCharsets.UTF_8), 1, o.willRetain(), null));
            }
            if (o.user() != null) {
                co.setUserName(o.user());
                co.setPassword(o.password().getBytes(StandardCharsets.UTF_8));
            }
            c.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
                @Override
                public void disconnected(MqttDisconnectResponse r) {
                    lostReason = "reason " + r.getReturnCode() + " " + r.getException();
                }

                @Override
                public void mqttErrorOccurred(MqttException e) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage m) {
                    MqttProperties p = m.getProperties();
                    received.add(new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getQos(),
                            m.isRetained(), p == null ? null : p.getMessageExpiryInterval(), p == null ? null : p.getContentType(),
                            p == null ? List.of() : p.getUserProperties().stream().map(u -> u.getKey() + "=" + u.getValue()).toList()));
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
            connectToken = c.connect(co);
            connectToken.waitForCompletion(10_000);
        }

        @Override
        int subscribe(String filter, int qos) throws Exception {
            IMqttToken t = c.subscribe(filter, qos);
            t.waitForCompletion(10_000);
            return t.getReasonCodes()[0];
        }

        @Override
        void unsubscribe(String filter) throws Exception {
            c.unsubscribe(filter).waitForCompletion(10_000);
        }

        @Override
        void publish(String topic, String payload, int qos, boolean retain) throws Exception {
            c.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain).waitForCompletion(10_000);
        }

        @Override
        void publish5(String topic, String payload, int qos, boolean retain, long expiry, String contentType, String userKey,
                      String userValue) throws Exception {
            MqttProperties p = new MqttProperties();
            if (expiry > 0) {
                p.setMessageExpiryInterval(expiry);
            }
            if (contentType != null) {
                p.setContentType(contentType);
            }
            if (userKey != null) {
                p.setUserProperties(List.of(new UserProperty(userKey, userValue)));
            }
            c.publish(topic, new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), qos, retain, p)).waitForCompletion(10_000);
        }

        /** DISCONNECT with reason 0x04: "disconnect with will message". */
        void disconnectWithWill() throws Exception {
            c.disconnect(0, null, null, 0x04, new MqttProperties()).waitForCompletion(10_000);
        }

        @Override
        void disconnect() throws Exception {
            c.disconnect().waitForCompletion(10_000);
        }

        @Override
        void dropConnection() throws Exception {
            c.disconnectForcibly(0, 1000, false);
        }

        @Override
        boolean connected() {
            return c.isConnected();
        }
    }
}
