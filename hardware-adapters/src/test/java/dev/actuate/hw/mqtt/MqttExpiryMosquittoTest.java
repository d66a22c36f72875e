package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.MqttSettings;
import dev.actuate.hw.config.MqttVersion;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.testing.ChaosProxy;
import dev.actuate.hw.testing.MosquittoProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.actuate.hw.mqtt.MqttTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT 5's expiries against a real Mosquitto: what the broker does with an expiring command queued for a robot
 * that is away or stalled, and what a session expiry keeps across a dropped connection. Waits are for expiry
 * to pass (whole seconds, Mosquitto's clock); the assertions are on what arrives and in which order.
 */
@Tag("mosquitto")
class MqttExpiryMosquittoTest {
    private static final byte[] MARKER = "marker".getBytes(StandardCharsets.US_ASCII);

    @BeforeAll
    static void needsMosquitto() {
        MqttTestSupport.assumeMosquitto();
    }

    /**
     * A robot whose session the broker keeps (session expiry) is away while the controller sends a command
     * expiring after 3 periods (1 s here). Mosquitto queues QoS 0 for such a session only with
     * {@code queue_qos0_messages true}. In MQTT 5 the command expires in the queue; in 3.1.1 it has no
     * expiry and is delivered seconds late, the case the robot's own age check exists for.
     */
    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aCommandQueuedForAnAbsentRobotExpiresInMqtt5AndArrivesLateIn311(MqttVersion version) throws Exception {
        try (MosquittoProcess broker = MosquittoProcess.startWithConfig("queue_qos0_messages true");
             MqttTestSupport.Probe5 robot = new MqttTestSupport.Probe5(broker.url(), "robot-away", 300)
                     .subscribe("actuate/x1/command", 1);
             MqttTestSupport.Probe5 monitor = new MqttTestSupport.Probe5(broker.url(), "monitor", 0)
                     .subscribe("actuate/x1/command", 1);
             NativeMqttAdapter a = new NativeMqttAdapter(MqttTestSupport.config("x1", broker.url(), PayloadFormat.BINARY,
                     null, version))) {
            assertThat(a.config().commandExpirySeconds()).as("3 periods at 100 Hz, rounded up to a whole second").isEqualTo(1);
            robot.disconnect(); // the broker keeps the session for 300 s and queues for it
            a.configure();
            a.activate();
            a.write(new double[] {0.5, -0.5}, 7, MicroClock.nowMicros());
            MqttTestSupport.Received5 seen = monitor.received.poll(20, TimeUnit.SECONDS);
            assertThat(seen).as("the command reached the broker").isNotNull();
            if (version == MqttVersion.V5) {
                assertThat(seen.expirySeconds()).as("expiry left when delivered").isNotNull().isBetween(0L, 1L);
            } else {
                assertThat(seen.expirySeconds()).isNull();
            }
            // A message without expiry after it, on the same queue: it must come out.
            monitor.publish("actuate/x1/command", MARKER, 0);
            await("marker through the broker", () -> monitor.received.stream().anyMatch(m -> m.text().equals("marker")));
            Thread.sleep(3000); // past the 1 s expiry, with Mosquitto's whole-second clock
            robot.connect(false);
            List<String> got = new ArrayList<>();
            await("the marker after resuming", () -> {
                MqttTestSupport.Received5 m = robot.received.poll();
                if (m != null) {
                    got.add(m.payload()[0] == (byte) 0xA2 ? "command" : m.text());
                }
                return got.contains("marker");
            });
            assertThat(got).containsExactly(version == MqttVersion.V5 ? new String[] {"marker"} : new String[] {"command", "marker"});
        }
    }

    /**
     * The robot stays connected but its connection stalls (a congested link): Mosquitto has already written
     * the command to the connection, so it arrives late despite its expiry. Mosquitto checks expiry only for
     * messages it still holds (queued, or waiting for the in-flight window), so the robot drops stale
     * commands itself, by their echo time.
     */
    @Test
    void aStalledConnectionStillReceivesTheExpiredCommandLate() throws Exception {
        try (MosquittoProcess broker = MosquittoProcess.start();
             ChaosProxy proxy = ChaosProxy.start(broker.port(), 0, 0, 1);
             MqttTestSupport.Probe5 robot = new MqttTestSupport.Probe5(proxy.url(), "robot-stalled", 0)
                     .subscribe("actuate/x2/command", 1);
             NativeMqttAdapter a = new NativeMqttAdapter(MqttTestSupport.config("x2", broker.url(), PayloadFormat.BINARY,
                     null, MqttVersion.V5))) {
            a.configure();
            a.activate();
            proxy.stall(3000);
            long echo = MicroClock.nowMicros();
            a.write(new double[] {0.5, -0.5}, 3, echo);
            MqttTestSupport.Received5 m = robot.received.poll(30, TimeUnit.SECONDS);
            assertThat(m).as("delivered after the stall").isNotNull();
            Frame f = new Frame(2);
            Frames.decode(m.payload(), f);
            assertThat(f.echoMicros).isEqualTo(echo);
            assertThat(MicroClock.nowMicros() - f.echoMicros).as("older than its 1 s expiry on arrival")
                    .isGreaterThan(a.config().commandExpirySeconds() * 1_000_000L);
        }
    }

    /**
     * Session expiry: a QoS 1 message (an e-stop) published while the link is cut is delivered when it
     * reconnects if the broker kept its session; with session expiry 0 (a clean session) it is lost.
     */
    @ParameterizedTest
    @ValueSource(longs = {0, 60})
    void aSessionExpiryKeepsQos1MessagesSentWhileTheLinkWasDown(long sessionExpiry) throws Exception {
        try (MosquittoProcess broker = MosquittoProcess.start();
             ChaosProxy proxy = ChaosProxy.start(broker.port(), 0, 0, 1);
             MqttTestSupport.Probe5 operator = new MqttTestSupport.Probe5(broker.url(), "operator", 0)) {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            MqttLinkOptions o = MqttLinkOptions.of(proxy.url(), "sess-" + sessionExpiry, null, null, null)
                    .withMqtt(new MqttSettings(MqttVersion.V5, true, 3, sessionExpiry));
            try (MqttLink link = new MqttLink(o, List.of(new MqttLink.Subscription("actuate/s1/estop", 1,
                    (t, p) -> got.add(new String(p, StandardCharsets.US_ASCII)))))) {
                link.start();
                proxy.blackout(5000); // refuses reconnects for 5 s
                proxy.cutAll();
                await("link down", () -> !link.connected());
                operator.publishQos1("actuate/s1/estop", "stop".getBytes(StandardCharsets.US_ASCII));
                await("reconnected after the blackout", () -> link.connected() && link.reconnects() == 1);
                operator.publishQos1("actuate/s1/estop", MARKER);
                List<String> seen = new ArrayList<>();
                await("the marker", () -> {
                    String s = got.poll();
                    if (s != null) {
                        seen.add(s);
                    }
                    return seen.contains("marker");
                });
                assertThat(seen).containsExactly(sessionExpiry > 0 ? new String[] {"stop", "marker"} : new String[] {"marker"});
            }
        }
    }

    /**
     * A plain MQTT 5 DISCONNECT leaves the session for its expiry (the broker queues for it); the link's
     * close() ends it (DISCONNECT with session expiry 0), so a stopped controller leaves no queue behind.
     */
    @Test
    void closingTheLinkEndsItsSessionWhereAPlainDisconnectKeepsIt() throws Exception {
        try (MosquittoProcess broker = MosquittoProcess.start()) {
            try (MqttTestSupport.Probe5 plain = new MqttTestSupport.Probe5(broker.url(), "plain-client", 60)) {
                plain.disconnect();
                assertThat(plain.connect(false)).as("session kept after a plain DISCONNECT").isTrue();
            }
            MqttLinkOptions o = MqttLinkOptions.of(broker.url(), "link-client", null, null, null)
                    .withMqtt(new MqttSettings(MqttVersion.V5, true, 3, 60));
            try (MqttLink link = new MqttLink(o, List.of(new MqttLink.Subscription("actuate/s2/estop", 1, (t, p) -> { })))) {
                link.start();
            }
            try (MqttTestSupport.Probe5 same = new MqttTestSupport.Probe5(broker.url(), "link-client", 60, false)) {
                assertThat(same.connect(false)).as("session left after the link's close()").isFalse();
            }
        }
    }
}
