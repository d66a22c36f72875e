package dev.actuate.hw.mqtt;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.actuate.hw.config.AdapterType;
import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.TlsConfig;
import dev.actuate.hw.testing.MosquittoProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import dev.actuate.hw.config.MqttVersion;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.actuate.hw.mqtt.MqttTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Broker-side security against a real Mosquitto: per-robot ACLs, mutual TLS, and no credential in any output. */
@Tag("mosquitto")
class MqttSecurityMosquittoTest {
    private static final String ACL = """
            user robot-a
            topic readwrite actuate/a/#
            user robot-b
            topic readwrite actuate/b/#
            """;
    private static final Credentials A = new Credentials("robot-a", "pw-a-7f3k");
    private static final Credentials B = new Credentials("robot-b", "pw-b-9q2m");

    @BeforeAll
    static void needsMosquitto() {
        MqttTestSupport.assumeMosquitto();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aRobotsCredentialsCannotCommandAnotherRobotAndTheControllerSaysSo(MqttVersion version) throws Exception {
        ListAppender<ILoggingEvent> logs = capture();
        try (MosquittoProcess broker = MosquittoProcess.startWithAcl(Map.of(A.username(), A.password(), B.username(), B.password()), ACL);
             MqttTestSupport.Probe robotB = new MqttTestSupport.Probe(broker.url(), "robot-b", B).subscribe("actuate/b/command");
             MqttTestSupport.Probe robotA = new MqttTestSupport.Probe(broker.url(), "robot-a", A).subscribe("actuate/a/command");
             NativeMqttAdapter ownRobot = new NativeMqttAdapter(MqttTestSupport.config("a", broker.url(), PayloadFormat.BINARY, A, version));
             NativeMqttAdapter otherRobot = new NativeMqttAdapter(MqttTestSupport.config("b", broker.url(), PayloadFormat.BINARY, A, version))) {
            // Broker level: robot-a's publish to b's command topic is dropped, its publish to its own is delivered.
            // Mosquitto handles one connection's packets in order, so once the second arrives the first would have.
            robotA.publish("actuate/b/command", "forged".getBytes(StandardCharsets.US_ASCII));
            robotA.publish("actuate/a/command", "own".getBytes(StandardCharsets.US_ASCII));
            assertThat(robotA.text.poll(20, TimeUnit.SECONDS)).containsExactly("actuate/a/command", "own");
            assertThat(robotB.text).isEmpty();

            ownRobot.configure();
            ownRobot.activate();
            otherRobot.configure();
            otherRobot.activate(); // MQTT 3.1.1: the connection itself succeeds
            otherRobot.write(new double[] {0.5, 0.5}, -1, -1);
            ownRobot.write(new double[] {0.25, 0.25}, -1, -1);
            assertThat(robotA.payloads.poll(20, TimeUnit.SECONDS)).isNotNull();
            await("the controller reports the refusal", () -> otherRobot.publishRefusal() != null);
            assertThat(otherRobot.publishRefusal()).contains("robot-a").contains("actuate/b/").contains("ACL")
                    .doesNotContain(A.password());
            assertThat(ownRobot.publishRefusal()).isNull(); // its 3 s deadline passed before the other's
            assertThat(robotB.text).isEmpty();
            // The field is set just before the warning is logged (on the I/O thread): wait for the log line.
            await("the refusal logged", () -> messages(logs).stream().anyMatch(m -> m.contains("probably refuses user robot-a")));
        } finally {
            release(logs);
        }
        assertNoSecret(logs, A.password(), B.password());
    }

    @Test
    void mutualTlsNeedsAClientCertificateSignedByTheCa() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make test certificates");
        ListAppender<ILoggingEvent> logs = capture();
        try (MosquittoProcess broker = MosquittoProcess.startMutualTls()) {
            String pw = MosquittoProcess.TRUSTSTORE_PASSWORD;
            TlsConfig ctlTls = new TlsConfig(broker.truststore(), pw, broker.clientKeystore("controller-m1"), pw);
            TlsConfig robotTls = new TlsConfig(broker.truststore(), pw, broker.clientKeystore("robot-m1"), pw);
            assertThat(ctlTls.toString()).doesNotContain(pw);
            try (NativeMqttAdapter a = new NativeMqttAdapter(tlsConfig(broker.url(), ctlTls));
                 MqttLink robot = new MqttLink(MqttLinkOptions.of(broker.url(), "robot-m1", null, robotTls, null), List.of())) {
                a.configure();
                a.activate();
                robot.start();
                byte[] state = FrameCodec.encode(stateFrame());
                robot.publish("actuate/m1/state", state, 0, false);
                await("state over mutual TLS", () -> a.framesReceived() >= 1);
            }
            // Trusting the server but presenting no certificate: the handshake is refused, a clear error naming the broker.
            try (NativeMqttAdapter noCert = new NativeMqttAdapter(tlsConfig(broker.url(), new TlsConfig(broker.truststore(), pw)))) {
                noCert.configure();
                assertThatThrownBy(noCert::activate).isInstanceOf(MqttConnectException.class).hasMessageContaining(broker.url());
            }
        } finally {
            release(logs);
        }
        assertNoSecret(logs, MosquittoProcess.TRUSTSTORE_PASSWORD);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void noCredentialInLogsErrorsOrDescriptions(MqttVersion version) throws Exception {
        ListAppender<ILoggingEvent> logs = capture();
        List<String> outputs = new ArrayList<>();
        String secret = "s3cret-Zq81";
        try (MosquittoProcess broker = MosquittoProcess.start("ops", secret)) {
            RobotConfig good = MqttTestSupport.config("n1", broker.url(), PayloadFormat.BINARY, new Credentials("ops", secret), version);
            RobotConfig bad = MqttTestSupport.config("n1", broker.url(), PayloadFormat.BINARY, new Credentials("ops", secret + "x"), version);
            try (NativeMqttAdapter a = new NativeMqttAdapter(good)) {
                a.configure();
                a.activate();
                outputs.add(a.toString());
                outputs.add(good.toString());
                broker.kill(); // reconnect attempts log while the broker is away
                await("link down", () -> !a.connected());
                broker.restart();
                await("reconnected", () -> a.connected());
            }
            try (NativeMqttAdapter b = new NativeMqttAdapter(bad)) {
                b.configure();
                Throwable t = org.assertj.core.api.Assertions.catchThrowable(b::activate);
                assertThat(t).isInstanceOf(MqttConnectException.class);
                for (Throwable c = t; c != null; c = c.getCause()) {
                    outputs.add(String.valueOf(c));
                }
            }
            outputs.add(MqttLinkOptions.of(broker.url(), "x", new Credentials("ops", secret), null, null).toString());
        } finally {
            release(logs);
        }
        assertThat(String.join("\n", outputs)).contains("ops").doesNotContain(secret);
        assertThat(messages(logs)).isNotEmpty();
        assertNoSecret(logs, secret);
    }

    private static Frame stateFrame() {
        Frame f = new Frame(3);
        f.type = FrameType.STATE;
        f.sentMicros = MicroClock.nowMicros();
        f.setValues(new double[] {1, 2, 3});
        return f;
    }

    private static RobotConfig tlsConfig(String url, TlsConfig tls) {
        RobotConfig plain = MqttTestSupport.config("m1", url, PayloadFormat.BINARY, null);
        return new RobotConfig("m1", url, AdapterType.NATIVE, PayloadFormat.BINARY, null, tls, 100,
                plain.stateSignals(), plain.commandSignals(), List.of(), List.of(), null, null);
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> a = new ListAppender<>();
        a.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(a);
        return a;
    }

    private static void release(ListAppender<ILoggingEvent> a) {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(a);
    }

    private static List<String> messages(ListAppender<ILoggingEvent> a) {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : List.copyOf(a.list)) {
            out.add(e.getFormattedMessage());
            for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                out.add(t.getClassName() + ": " + t.getMessage());
            }
        }
        return out;
    }

    private static void assertNoSecret(ListAppender<ILoggingEvent> logs, String... secrets) {
        String all = String.join("\n", messages(logs));
        for (String s : secrets) {
            assertThat(all).as("logs").doesNotContain(s);
        }
    }
}
