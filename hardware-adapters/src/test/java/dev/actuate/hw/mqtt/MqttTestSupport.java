package dev.actuate.hw.mqtt;

import dev.actuate.hw.Signal;
import dev.actuate.hw.config.AdapterType;
import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.testing.MosquittoProcess;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;
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

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
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

    static long threadsNamedContaining(String part) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().contains(part)).count();
    }
}
