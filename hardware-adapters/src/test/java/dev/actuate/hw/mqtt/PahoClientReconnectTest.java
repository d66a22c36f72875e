package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.MqttVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PahoClient#awaitReadyToConnect} against a packet left in Paho's send queue after a shutdown
 * emptied it, as a lost connection's late callback thread leaves a PUBACK. Without the wait, the next
 * connection's sender found that packet while not yet connected, ended before its connect thread saw it
 * running, and the connect thread polled {@code CommsSender.start} for the life of the JVM. Checked by
 * disabling the emptying: both versions' reconnect below then timed out (20 s), their connect threads stuck.
 */
class PahoClientReconnectTest {
    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aPacketQueuedAfterTheShutdownDoesNotHangTheNextConnect(MqttVersion version) throws Exception {
        try (MisbehavingBroker broker = new MisbehavingBroker(MisbehavingBroker.Mode.ANSWER)) {
            String id = "stale-" + version.label() + "-" + broker.port();
            MqttLinkOptions o = new MqttLinkOptions(broker.url(), id, null, null, null, 5, 1, 10, 50, "online", "offline",
                    MqttLinkTest.settings(version));
            byte[] will = "offline".getBytes(StandardCharsets.UTF_8);
            PahoClient c = version == MqttVersion.V5 ? new PahoV5Client(o, will, cause -> { }) : new PahoV3Client(o, will, cause -> { });
            assertThat(c.awaitReadyToConnect(System.nanoTime() + 1_000_000_000L)).as("ready before the first connect").isTrue();
            awaitDone("first connect", c.connect(false, () -> { }));

            c.dropConnection();
            assertThat(c.awaitDisconnected(System.nanoTime() + 5_000_000_000L)).isTrue();
            queueStalePubAck(c, version);

            assertThat(c.awaitReadyToConnect(System.nanoTime() + 5_000_000_000L)).isTrue();
            awaitDone("reconnect", c.connect(false, () -> { }));
            assertThat(c.isConnected()).isTrue();

            c.dropConnection();
            assertThat(c.awaitDisconnected(System.nanoTime() + 5_000_000_000L)).isTrue();
            c.close();
            MqttTestSupport.await("no thread named after " + id, () -> MqttTestSupport.threadsNamedContaining(id) == 0);
        }
    }

    private static void awaitDone(String what, PahoClient.Op op) {
        MqttTestSupport.await(what, () -> {
            assertThat(op.failure()).as(what).isNull();
            return op.done();
        });
    }

    /** Puts a PUBACK into Paho's send queue of pending flows, where a late callback thread's acknowledgement lands. */
    private static void queueStalePubAck(PahoClient c, MqttVersion version) throws Exception {
        Field client = c.getClass().getDeclaredField("client");
        client.setAccessible(true);
        Object paho = client.get(c);
        if (version == MqttVersion.V5) {
            Field comms = org.eclipse.paho.mqttv5.client.MqttAsyncClient.class.getDeclaredField("comms");
            comms.setAccessible(true);
            var state = ((org.eclipse.paho.mqttv5.client.internal.ClientComms) comms.get(paho)).getClientState();
            state.send(new org.eclipse.paho.mqttv5.common.packet.MqttPubAck(0, 7, new org.eclipse.paho.mqttv5.common.packet.MqttProperties()), null);
        } else {
            Field comms = org.eclipse.paho.client.mqttv3.MqttAsyncClient.class.getDeclaredField("comms");
            comms.setAccessible(true);
            var state = ((org.eclipse.paho.client.mqttv3.internal.ClientComms) comms.get(paho)).getClientState();
            state.send(new org.eclipse.paho.client.mqttv3.internal.wire.MqttPubAck(7), null);
        }
    }
}
