package dev.actuate.runtime;

import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.mqtt.Frame;
import dev.actuate.hw.mqtt.FrameType;
import dev.actuate.hw.mqtt.Frames;
import dev.actuate.hw.mqtt.MicroClock;
import dev.actuate.hw.mqtt.Topics;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A free-running fake robot for the Mosquitto tests: publishes a constant STATE frame every
 * {@code periodMillis} and remembers the newest COMMAND. Reconnects by itself after a broker
 * restart. Independent of the production robot so these tests exercise only the controller side.
 */
final class FrameRobot implements AutoCloseable {
    private final MqttAsyncClient client;
    private final Topics topics;
    private final Thread thread;
    private final int periodMillis;
    private volatile boolean publishing = true;
    private volatile boolean running = true;
    private volatile double[] lastCommand;
    private long sequence;

    FrameRobot(String url, String robotId, int stateSize, int periodMillis) throws Exception {
        this.topics = new Topics(robotId);
        this.periodMillis = periodMillis;
        client = new MqttAsyncClient(url, "test-robot-" + robotId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setAutomaticReconnect(true);
        o.setMaxReconnectDelay(200);
        o.setMaxInflight(20_000);
        client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                try {
                    client.subscribe(topics.command(), 0);
                } catch (Exception e) {
                    // the next reconnect subscribes again
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) throws Exception {
                Frame f = new Frame(16);
                Frames.decode(message.getPayload(), f);
                if (f.type == FrameType.COMMAND) {
                    lastCommand = java.util.Arrays.copyOf(f.values, f.count);
                }
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        client.connect(o).waitForCompletion(10_000);
        Frame state = new Frame(stateSize);
        state.type = FrameType.STATE;
        state.count = stateSize;
        thread = new Thread(() -> {
            while (running) {
                if (publishing && client.isConnected()) {
                    state.sequence = sequence++;
                    state.sentMicros = MicroClock.nowMicros();
                    try {
                        client.publish(topics.state(), Frames.encode(state, PayloadFormat.BINARY), 0, false);
                    } catch (Exception e) {
                        // broker down: keep trying
                    }
                }
                try {
                    Thread.sleep(this.periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-robot");
        thread.setDaemon(true);
        thread.start();
    }

    void publishing(boolean on) {
        publishing = on;
    }

    double[] lastCommand() {
        return lastCommand;
    }

    void publishRaw(byte[] payload) throws Exception {
        client.publish(topics.state(), payload, 0, false);
    }

    @Override
    public void close() throws Exception {
        running = false;
        thread.interrupt();
        thread.join(2000);
        try {
            client.disconnectForcibly(100, 500);
        } catch (Exception e) {
            // not connected
        }
        // Paho refuses to close while its automatic reconnect is connecting; retry briefly.
        for (int i = 0; ; i++) {
            try {
                client.close(true);
                return;
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                if (i == 100) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }
}
