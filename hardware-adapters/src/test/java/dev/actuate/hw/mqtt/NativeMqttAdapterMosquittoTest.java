package dev.actuate.hw.mqtt;

import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.StateSample;
import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.testing.MosquittoProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import dev.actuate.hw.config.MqttVersion;

import dev.actuate.hw.config.AdapterType;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.TlsConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static dev.actuate.hw.mqtt.MqttTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Tag("mosquitto")
class NativeMqttAdapterMosquittoTest {
    @BeforeAll
    static void needsMosquitto() {
        MqttTestSupport.assumeMosquitto();
    }

    private static byte[] state(long seq, double... values) {
        Frame f = new Frame(values.length);
        f.type = FrameType.STATE;
        f.sequence = seq;
        f.sentMicros = MicroClock.nowMicros();
        f.reward = 0.5f;
        f.episodeStart = seq == 0;
        f.setValues(values);
        return FrameCodec.encode(f);
    }

    static java.util.stream.Stream<Arguments> formatsAndVersions() {
        return java.util.stream.Stream.of(PayloadFormat.values()).flatMap(f -> java.util.stream.Stream.of(MqttVersion.values())
                .map(v -> Arguments.of(f, v)));
    }

    @ParameterizedTest
    @MethodSource("formatsAndVersions")
    void stateAndCommandRoundTripThroughMosquitto(PayloadFormat format, MqttVersion version) throws Exception {
        try (MosquittoProcess broker = MosquittoProcess.start();
             MqttTestSupport.Probe robot = new MqttTestSupport.Probe(broker.url(), "probe-rt").subscribe("actuate/r1/command");
             NativeMqttAdapter a = new NativeMqttAdapter(MqttTestSupport.config("r1", broker.url(), format, null, version))) {
            assertThatThrownBy(() -> a.write(new double[2], 0, 0)).isInstanceOf(IllegalStateException.class);
            a.configure();
            a.activate();
            assertThat(a.lifecycleState()).isEqualTo(LifecycleState.ACTIVE);
            assertThat(a.connected()).isTrue();
            StateSample s = new StateSample(3);
            assertThat(a.read(s)).isFalse();

            byte[] st = state(7, 1.5, -2.25, 3);
            robot.publish("actuate/r1/state", st);
            await("state frame", () -> a.framesReceived() == 1);
            assertThat(a.read(s)).isTrue();
            assertThat(s.values).containsExactly(1.5, -2.25, 3.0);
            assertThat(s.sequence).isEqualTo(7);
            assertThat(s.reward).isEqualTo(0.5);
            assertThat(s.receivedMicros).isGreaterThanOrEqualTo(s.sentMicros);
            assertThat(a.read(s)).as("no new state").isFalse();

            a.write(new double[] {0.25, -0.5}, s.sequence, s.sentMicros);
            byte[] cmd = robot.payloads.poll(20, TimeUnit.SECONDS);
            assertThat(cmd).isNotNull();
            Frame f = new Frame(2);
            Frames.decode(cmd, f);
            assertThat(f.type).isEqualTo(FrameType.COMMAND);
            assertThat(f.count).isEqualTo(2);
            assertThat(f.values[0]).isEqualTo(0.25);
            assertThat(f.values[1]).isEqualTo(-0.5);
            assertThat(f.echoSequence).isEqualTo(7);
            assertThat(f.echoMicros).isEqualTo(s.sentMicros);
            assertThat(cmd[0]).isEqualTo(format == PayloadFormat.JSON ? (byte) '{' : (byte) 0xA2);

            a.deactivate();
            assertThat(a.lifecycleState()).isEqualTo(LifecycleState.INACTIVE);
            assertThatThrownBy(() -> a.write(new double[2], 0, 0)).isInstanceOf(IllegalStateException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void controllerStatusIsRetainedOnlineThenOfflineByLastWillWhenClientDies(MqttVersion version) throws Exception {
        try (MosquittoProcess broker = MosquittoProcess.start()) {
            MqttLinkOptions o = MqttLinkOptions.of(broker.url(), "dying-robot", null, null, "actuate/r2/status")
                    .withMqtt(MqttLinkTest.settings(version));
            MqttLink link = new MqttLink(o, java.util.List.of());
            assertThat(link.version()).isEqualTo(version);
            link.start();
            try (MqttTestSupport.Probe p = new MqttTestSupport.Probe(broker.url(), "probe-status").subscribe("actuate/r2/status")) {
                assertThat(p.text.poll(20, TimeUnit.SECONDS)).containsExactly("actuate/r2/status", "online");
                // Kill the TCP connection without DISCONNECT, as a crash would: the broker sends the Will.
                killConnection(link);
                assertThat(p.text.poll(20, TimeUnit.SECONDS)).containsExactly("actuate/r2/status", "offline");
            } finally {
                link.close();
            }
            // Retained: a late subscriber still sees the last status.
            try (MqttTestSupport.Probe late = new MqttTestSupport.Probe(broker.url(), "probe-late").subscribe("actuate/r2/status")) {
                String[] m = late.text.poll(20, TimeUnit.SECONDS);
                assertThat(m).isNotNull();
                // The link reconnected ("online") and then closed cleanly, publishing "offline" itself.
                assertThat(m[1]).isEqualTo("offline");
            }
        }
    }

    /** Closes the client's socket under Paho, so the broker sees an unclean drop and fires the Will. */
    private static void killConnection(MqttLink link) throws Exception {
        java.lang.reflect.Field f = MqttLink.class.getDeclaredField("client");
        f.setAccessible(true);
        // Drops TCP without DISCONNECT.
        ((PahoClient) f.get(link)).dropConnection();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void wrongCredentialsGiveClearErrorWithoutPassword(MqttVersion version) {
        try (MosquittoProcess broker = MosquittoProcess.start("alice", "right-pass")) {
            NativeMqttAdapter bad = new NativeMqttAdapter(MqttTestSupport.config("r3", broker.url(), PayloadFormat.BINARY,
                    new Credentials("alice", "wrong-pass"), version));
            bad.configure();
            assertThatThrownBy(bad::activate).isInstanceOf(MqttConnectException.class)
                    .hasMessageContaining("rejected credentials for user alice").hasMessageContaining(broker.url())
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-pass"))
                    .satisfies(e -> assertThat(((MqttConnectException) e).kind()).isEqualTo(MqttConnectException.Kind.AUTHENTICATION));
            assertThat(bad.lifecycleState()).isEqualTo(LifecycleState.ERROR);
            bad.close();

            try (NativeMqttAdapter good = new NativeMqttAdapter(MqttTestSupport.config("r3", broker.url(),
                    PayloadFormat.BINARY, new Credentials("alice", "right-pass"), version))) {
                good.configure();
                good.activate();
                assertThat(good.connected()).isTrue();
                assertThat(good.toString()).doesNotContain("right-pass");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void tlsWithPasswordRoundTripsAndUntrustedCertificateFailsClearly(MqttVersion version) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make test certificates");
        try (MosquittoProcess broker = MosquittoProcess.startTls("tls-user", "tls-pass")) {
            assertThat(broker.url()).startsWith("ssl://");
            Credentials creds = new Credentials("tls-user", "tls-pass");
            TlsConfig trust = new TlsConfig(broker.truststore(), MosquittoProcess.TRUSTSTORE_PASSWORD);
            RobotConfig plain = MqttTestSupport.config("t1", broker.url(), PayloadFormat.BINARY, creds, version);
            RobotConfig c = new RobotConfig("t1", broker.url(), AdapterType.NATIVE, PayloadFormat.BINARY, creds, trust, 100,
                    plain.stateSignals(), plain.commandSignals(), List.of(), List.of(), null, null, plain.mqtt());
            assertThat(c.toString()).doesNotContain("tls-pass").doesNotContain(MosquittoProcess.TRUSTSTORE_PASSWORD);
            try (NativeMqttAdapter a = new NativeMqttAdapter(c);
                 MqttLink robot = new MqttLink(MqttLinkOptions.of(broker.url(), "tls-robot", creds, trust, null)
                         .withMqtt(plain.mqtt()), List.of())) {
                a.configure();
                a.activate();
                robot.start();
                robot.publish("actuate/t1/state", state(5, 1, 2, 3), 0, false);
                await("state over TLS", () -> a.framesReceived() == 1);
            }
            // No truststore: the JVM's default trust does not know the test CA, a clear failure naming the broker.
            try (NativeMqttAdapter untrusted = new NativeMqttAdapter(plain)) {
                untrusted.configure();
                assertThatThrownBy(untrusted::activate).isInstanceOf(MqttConnectException.class)
                        .hasMessageContaining(broker.url())
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("tls-pass"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void brokerKilledAndRestartedAdapterReconnectsAndTrafficResumesWithoutThreadLeak(MqttVersion version) throws Exception {
        String clientId = "leakcheck-" + System.nanoTime();
        try (MosquittoProcess broker = MosquittoProcess.start()) {
            NativeMqttAdapter a = new NativeMqttAdapter(MqttTestSupport.config("r4", broker.url(), PayloadFormat.BINARY, null,
                    version), clientId);
            a.configure();
            a.activate();
            assertThat(MqttTestSupport.threadsNamedContaining(clientId)).isPositive();

            broker.kill();
            await("adapter to notice the dead broker", () -> !a.connected());
            assertThat(a.lifecycleState()).isEqualTo(LifecycleState.ACTIVE);
            a.write(new double[] {0.1, 0.2}, 1, 1); // queued into the slot, never thrown
            broker.restart();
            await("reconnect", () -> a.connected() && a.reconnects() == 1);

            try (MqttTestSupport.Probe robot = new MqttTestSupport.Probe(broker.url(), "probe-rc").subscribe("actuate/r4/command")) {
                robot.publish("actuate/r4/state", state(3, 1, 2, 3));
                await("state after reconnect", () -> a.framesReceived() == 1);
                a.write(new double[] {0.3, 0.4}, 3, 0);
                byte[] cmd = robot.payloads.poll(20, TimeUnit.SECONDS);
                assertThat(cmd).isNotNull();
                Frame f = new Frame(2);
                FrameCodec.decode(cmd, f);
                assertThat(f.echoSequence).isEqualTo(3);
            }
            a.close();
            assertThat(a.lifecycleState()).isEqualTo(LifecycleState.FINALIZED);
            await("Paho and I/O threads to end", () -> MqttTestSupport.threadsNamedContaining(clientId) == 0);
        }
    }

    @Test
    void tenThousandMalformedStatePayloadsAreRejectedAndCountedAndAdapterKeepsWorking() throws Exception {
        try (MosquittoProcess broker = MosquittoProcess.start();
             MqttTestSupport.Probe robot = new MqttTestSupport.Probe(broker.url(), "probe-fuzz");
             NativeMqttAdapter a = new NativeMqttAdapter(MqttTestSupport.config("r5", broker.url(), PayloadFormat.BINARY, null))) {
            a.configure();
            a.activate();
            SplittableRandom rnd = new SplittableRandom(7);
            byte[] good = state(1, 1, 2, 3);
            for (int i = 0; i < 10_000; i++) {
                byte[] p;
                if (i % 3 == 0) {
                    p = new byte[rnd.nextInt(100)];
                    rnd.nextBytes(p);
                } else if (i % 3 == 1) {
                    p = java.util.Arrays.copyOf(good, rnd.nextInt(good.length)); // truncated
                } else {
                    p = state(i, 1, 2); // valid frame, wrong signal count
                }
                if (p.length > 0 && i % 3 == 0) {
                    p[0] = (byte) (i % 2 == 0 ? 0x00 : '{'); // never a valid magic byte or JSON by accident
                }
                robot.publish("actuate/r5/state", p);
            }
            await("all 10000 rejected", () -> a.rejectedFrames() == 10_000);
            assertThat(a.framesReceived()).isZero();
            robot.publish("actuate/r5/state", good);
            await("valid frame after the flood", () -> a.framesReceived() == 1);
            StateSample s = new StateSample(3);
            assertThat(a.read(s)).isTrue();
            assertThat(s.values).containsExactly(1, 2, 3);
            assertThat(a.connected()).isTrue();
        }
    }
}
