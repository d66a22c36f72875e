package dev.actuate.hw.mqtt;

import dev.actuate.hw.StateSample;
import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.config.PayloadFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;

import static dev.actuate.hw.mqtt.MqttTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedBrokerTest {
    @ParameterizedTest
    @EnumSource(EmbeddedBroker.Impl.class)
    void nativeAdapterRoundTripsThroughEmbeddedBroker(EmbeddedBroker.Impl impl) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0, null, impl);
             MqttTestSupport.Probe robot = new MqttTestSupport.Probe(broker.url(), "probe-emb").subscribe("actuate/e1/command");
             NativeMqttAdapter a = new NativeMqttAdapter(MqttTestSupport.config("e1", broker.url(), PayloadFormat.BINARY, null))) {
            assertThat(broker.port()).isPositive();
            a.configure();
            a.activate();
            Frame st = new Frame(3);
            st.sequence = 11;
            st.sentMicros = 1234;
            st.setValues(new double[] {1, 2, 3});
            robot.publish("actuate/e1/state", FrameCodec.encode(st));
            await("state", () -> a.framesReceived() == 1);
            StateSample s = new StateSample(3);
            assertThat(a.read(s)).isTrue();
            assertThat(s.values).containsExactly(1, 2, 3);
            a.write(new double[] {0.5, -0.5}, s.sequence, s.sentMicros);
            byte[] cmd = robot.payloads.poll(20, TimeUnit.SECONDS);
            assertThat(cmd).isNotNull();
            Frame f = new Frame(2);
            FrameCodec.decode(cmd, f);
            assertThat(f.echoSequence).isEqualTo(11);
            assertThat(f.echoMicros).isEqualTo(1234);
            assertThat(broker.sessionLoopErrors()).isZero();
        }
    }

    @Test
    void moquetteSpeaksOnly311SoADefaultLinkFallsBackAndAFixedVersion5FailsClearly() {
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0)) {
            MqttLinkOptions o = MqttLinkOptions.of(broker.url(), "v5-only", null, null, null);
            try (MqttLink fixed = new MqttLink(o.withMqtt(new dev.actuate.hw.config.MqttSettings(
                    dev.actuate.hw.config.MqttVersion.V5, true, 3, 0)), java.util.List.of())) {
                assertThatThrownBy(fixed::start).isInstanceOf(MqttConnectException.class)
                        .hasMessageContaining(broker.url()).hasMessageContaining("does not speak MQTT 5")
                        .hasMessageContaining("version: 3.1.1")
                        .satisfies(e -> assertThat(((MqttConnectException) e).kind())
                                .isEqualTo(MqttConnectException.Kind.UNSUPPORTED_VERSION));
            }
            // No version in the config (the default): MQTT 5 is refused, so the link speaks 3.1.1.
            try (MqttLink negotiated = new MqttLink(o.withMqtt(dev.actuate.hw.config.MqttSettings.defaults()), java.util.List.of())) {
                assertThat(negotiated.version()).isEqualTo(dev.actuate.hw.config.MqttVersion.V5);
                negotiated.start();
                assertThat(negotiated.connected()).isTrue();
                assertThat(negotiated.version()).isEqualTo(dev.actuate.hw.config.MqttVersion.V3_1_1);
            }
        }
    }

    @Test
    void repeatedVersion5ProbesNeverKillASessionLoop() {
        // Every default link (no version in the robot config) first tries MQTT 5; Moquette refuses it. The
        // refusal must stay a refusal: a thrown command would end a session loop and restart the broker.
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0)) {
            for (int i = 0; i < 20; i++) {
                MqttLinkOptions o = MqttLinkOptions.of(broker.url(), "probe-" + i, null, null, null);
                try (MqttLink link = new MqttLink(o.withMqtt(dev.actuate.hw.config.MqttSettings.defaults()),
                        java.util.List.of())) {
                    link.start();
                    assertThat(link.version()).isEqualTo(dev.actuate.hw.config.MqttVersion.V3_1_1);
                }
            }
            assertThat(broker.sessionLoopErrors()).isZero();
        }
    }

    @Test
    void clientsRecoverWhenTheBrokerRestartsAfterASessionLoopDeath() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0);
             NativeMqttAdapter a = new NativeMqttAdapter(MqttTestSupport.config("e3", broker.url(), PayloadFormat.BINARY, null))) {
            a.configure();
            a.activate();
            int port = broker.port();
            broker.restartAfterLoopError();
            assertThat(broker.restarts()).isEqualTo(1);
            assertThat(broker.port()).isEqualTo(port);
            await("adapter reconnect", () -> a.reconnects() == 1 && a.connected());
            try (MqttTestSupport.Probe robot = new MqttTestSupport.Probe(broker.url(), "probe-restart")) {
                Frame st = new Frame(3);
                st.setValues(new double[] {4, 5, 6});
                robot.publish("actuate/e3/state", FrameCodec.encode(st));
                await("state after restart", () -> a.framesReceived() == 1);
            }
        }
    }

    @Test
    void aSessionLoopEndedByAThrowingCommandIsReplacedWithoutARestart() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0);
             NativeMqttAdapter a = new NativeMqttAdapter(MqttTestSupport.config("e4", broker.url(), PayloadFormat.BINARY, null))) {
            a.configure();
            a.activate();
            SessionLoopReviver reviver = broker.reviver();
            assertThat(reviver).as("Moquette 0.17's session loops are reachable").isNotNull();
            // End every loop the way Moquette 0.17 ends one: a command that throws (routed as the broker routes its own).
            int loops = reviver.loopCount();
            java.lang.reflect.Method route = reviver.group().getClass().getDeclaredMethod("routeCommand",
                    String.class, String.class, java.util.concurrent.Callable.class);
            route.setAccessible(true);
            java.util.Set<Integer> killed = new java.util.HashSet<>();
            for (int i = 0; killed.size() < loops; i++) {
                String id = "victim-" + i;
                if (killed.add(reviver.loopOf(id))) {
                    route.invoke(reviver.group(), id, "test: a throwing command", (java.util.concurrent.Callable<String>) () -> {
                        throw new IllegalStateException("a command that throws");
                    });
                }
            }
            await("every loop error handled", () -> broker.sessionLoopErrors() == loops && broker.revivedLoops() == loops);
            // The adapter's loop was among them: its subscription must still be served, on the same connection.
            try (MqttTestSupport.Probe robot = new MqttTestSupport.Probe(broker.url(), "probe-revive")) {
                Frame st = new Frame(3);
                st.setValues(new double[] {1, 2, 3});
                robot.publish("actuate/e4/state", FrameCodec.encode(st));
                await("state after the loops died", () -> a.framesReceived() == 1);
            }
            assertThat(broker.restarts()).isZero();
            assertThat(a.reconnects()).isZero();
        }
    }

    /** CONNACK's return code for an MQTT 3.1.1 CONNECT with an empty client id (raw bytes: no client library). */
    private static int connackForEmptyClientId(int port, boolean cleanSession) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            byte[] connect = {0x10, 12, 0, 4, 'M', 'Q', 'T', 'T', 4, (byte) (cleanSession ? 0x02 : 0x00), 0, 60, 0, 0};
            s.getOutputStream().write(connect);
            s.getOutputStream().flush();
            byte[] connack = s.getInputStream().readNBytes(4);
            assertThat(connack).hasSize(4);
            assertThat(connack[0]).isEqualTo((byte) 0x20);
            return connack[3];
        }
    }

    @ParameterizedTest
    @EnumSource(EmbeddedBroker.Impl.class)
    void anEmptyClientIdIsAcceptedWithACleanSessionOnly(EmbeddedBroker.Impl impl) throws Exception {
        // mosquitto_pub and mosquitto_sub send an empty id unless given -i.
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0, null, impl)) {
            assertThat(connackForEmptyClientId(broker.port(), true)).isZero();
            assertThat(connackForEmptyClientId(broker.port(), true)).isZero(); // a second one gets its own id
            assertThat(connackForEmptyClientId(broker.port(), false)).isEqualTo(2); // identifier rejected
        }
    }

    @ParameterizedTest
    @EnumSource(EmbeddedBroker.Impl.class)
    void credentialsAreEnforced(EmbeddedBroker.Impl impl) {
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0, new Credentials("ops", "pw1"), impl)) {
            assertThat(broker.toString()).contains("ops").doesNotContain("pw1");
            NativeMqttAdapter anon = new NativeMqttAdapter(MqttTestSupport.config("e2", broker.url(), PayloadFormat.BINARY, null));
            anon.configure();
            assertThatThrownBy(anon::activate).isInstanceOf(MqttConnectException.class).hasMessageContaining("anonymous");
            anon.close();
            NativeMqttAdapter bad = new NativeMqttAdapter(MqttTestSupport.config("e2", broker.url(), PayloadFormat.BINARY,
                    new Credentials("ops", "nope")));
            bad.configure();
            assertThatThrownBy(bad::activate).hasMessageContaining("rejected credentials for user ops");
            bad.close();
            try (NativeMqttAdapter good = new NativeMqttAdapter(MqttTestSupport.config("e2", broker.url(), PayloadFormat.BINARY,
                    new Credentials("ops", "pw1")))) {
                good.configure();
                good.activate();
                assertThat(good.connected()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(EmbeddedBroker.Impl.class)
    void portInUseIsAClearError(EmbeddedBroker.Impl impl) {
        try (EmbeddedBroker first = EmbeddedBroker.start("127.0.0.1", 0, null, impl)) {
            assertThatThrownBy(() -> EmbeddedBroker.start("127.0.0.1", first.port(), null, impl))
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + first.port());
        }
    }

    @Test
    void actuateBrokerSpeaksMqtt5SoADefaultLinkKeepsIt() {
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0, null, EmbeddedBroker.Impl.ACTUATE);
             MqttLink link = new MqttLink(MqttLinkOptions.of(broker.url(), "v5-default", null, null, null)
                     .withMqtt(dev.actuate.hw.config.MqttSettings.defaults()), java.util.List.of())) {
            assertThat(broker.speaksMqtt5()).isTrue();
            link.start();
            assertThat(link.version()).isEqualTo(dev.actuate.hw.config.MqttVersion.V5);
        }
    }

    /**
     * A v5 link with a session expiry asks to resume its session when it reconnects; ActuateBroker keeps no
     * sessions (CONNACK: session present 0, session expiry 0), so the link must subscribe again itself.
     */
    @Test
    void aLinkThatAsksToResumeItsSessionSubscribesAgainWhenTheBrokerHasNone() throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0, null, EmbeddedBroker.Impl.ACTUATE);
        int port = broker.port();
        java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        MqttLinkOptions o = MqttLinkOptions.of(broker.url(), "resumer", null, null, null)
                .withMqtt(new dev.actuate.hw.config.MqttSettings(dev.actuate.hw.config.MqttVersion.V5, true, 3, 60));
        try (MqttLink link = new MqttLink(o, java.util.List.of(new MqttLink.Subscription("resume/t", 1,
                (t, p) -> got.add(new String(p, java.nio.charset.StandardCharsets.UTF_8)))))) {
            link.start();
            broker.close(); // every session is gone with it
            broker = EmbeddedBroker.start("127.0.0.1", port, null, EmbeddedBroker.Impl.ACTUATE);
            EmbeddedBroker restarted = broker;
            await("link reconnected", () -> link.reconnects() == 1 && link.connected() && restarted.port() == port);
            try (MqttTestSupport.Probe probe = new MqttTestSupport.Probe(broker.url(), "resume-probe")) {
                probe.client.publish("resume/t", "after restart".getBytes(), 1, false).waitForCompletion(10_000);
                assertThat(got.poll(20, TimeUnit.SECONDS)).isEqualTo("after restart");
            }
        } finally {
            broker.close();
        }
    }
}
