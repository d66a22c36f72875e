package dev.actuate.cli;

import dev.actuate.hw.testing.MosquittoProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code actuate broker} as a real process, with the shipped logging config: a client that disconnects
 * abruptly prints no stack trace, and the Mosquitto command-line clients work against it as docs/protocol.md
 * shows them (without {@code -i}).
 */
class BrokerProcessTest {
    private static final long WAIT_SECONDS = 60; // a bound for a loaded machine, not a speed target

    @TempDir
    Path dir;
    private Process broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.destroyForcibly();
        }
    }

    /** Starts the broker ({@code --embedded-broker impl}) on a free port and returns the port. */
    private int startBroker(String impl) throws Exception {
        URL logback = BrokerProcessTest.class.getClassLoader().getResource("logback.xml"); // the shipped one
        assertThat(logback).as("logback.xml on the class path").isNotNull();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        broker = new ProcessBuilder(java, "-Xmx256m", "-Dlogback.configurationFile=" + logback, "-cp", cp,
                Actuate.class.getName(), "broker", "--port", "0", "--embedded-broker", impl)
                .redirectErrorStream(true).redirectOutput(dir.resolve("broker.log").toFile()).start();
        Pattern listening = Pattern.compile("listening on tcp://127\\.0\\.0\\.1:(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline && broker.isAlive()) {
            Matcher m = listening.matcher(log());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("broker did not start:\n" + log());
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("broker.log"), StandardCharsets.UTF_8);
    }

    /** Connects as an MQTT client, then resets the TCP connection (what a killed or unplugged client does). */
    private static void connectAndReset(int port, String clientId) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        byte[] id = clientId.getBytes(StandardCharsets.US_ASCII);
        byte[] head = {0x10, (byte) (12 + id.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, (byte) id.length};
        s.getOutputStream().write(head);
        s.getOutputStream().write(id);
        s.getOutputStream().flush();
        assertThat(s.getInputStream().readNBytes(4)).as("CONNACK").hasSize(4);
        s.setSoLinger(true, 0); // close with RST
        s.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"moquette", "actuate"})
    void anAbruptClientDisconnectPrintsNoStackTrace(String impl) throws Exception {
        int port = startBroker(impl);
        connectAndReset(port, "abrupt-1");
        connectAndReset(port, "abrupt-2");
        // A clean client afterwards proves the broker went on serving (and has handled the resets by then).
        connectAndReset(port, "abrupt-3");
        broker.destroy(); // SIGTERM: the broker's own shutdown
        assertThat(broker.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        String log = log();
        assertThat(log).contains("listening on").doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContain("ERROR");
    }

    private static boolean hasMosquittoClients() {
        boolean found = Files.isExecutable(Path.of("/usr/bin/mosquitto_pub")) && Files.isExecutable(
                Path.of("/usr/bin/mosquitto_sub"));
        if (!found && "1".equals(System.getenv(MosquittoProcess.REQUIRE_ENV))) {
            throw new IllegalStateException("mosquitto_pub/mosquitto_sub are required (" + MosquittoProcess.REQUIRE_ENV
                    + "=1) but not in /usr/bin; install them with: apt-get install -y mosquitto-clients");
        }
        return found;
    }

    @ParameterizedTest
    @ValueSource(strings = {"moquette", "actuate"})
    void mosquittoClientsWithoutAnIdWorkAsTheProtocolDocShows(String impl) throws Exception {
        assumeTrue(hasMosquittoClients(), "mosquitto_pub/mosquitto_sub are not installed");
        int port = startBroker(impl);
        String p = Integer.toString(port);
        // docs/protocol.md: mosquitto_sub -t 'actuate/lander/#' -v, and the two mosquitto_pub lines (plus -p).
        Process sub = new ProcessBuilder("mosquitto_sub", "-p", p, "-t", "actuate/lander/#", "-v", "-C", "2",
                "-W", Long.toString(WAIT_SECONDS)).redirectErrorStream(true).start();
        String command = "{\"v\":1,\"type\":\"command\",\"seq\":0,\"t_us\":0,\"values\":[0,0]}";
        List<List<String>> pubs = List.of(
                List.of("mosquitto_pub", "-p", p, "-t", "actuate/lander/estop", "-m", "stop", "-q", "1"),
                List.of("mosquitto_pub", "-p", p, "-t", "actuate/lander/command", "-m", command));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        StringBuilder pubOutput = new StringBuilder();
        while (sub.isAlive() && System.nanoTime() < deadline) {
            // Publish until the subscriber (subscribed at some unknown moment) has its two messages.
            for (List<String> pub : pubs) {
                Process pp = new ProcessBuilder(pub).redirectErrorStream(true).start();
                pubOutput.append(new String(pp.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                assertThat(pp.waitFor()).as(String.join(" ", pub) + ": " + pubOutput).isZero();
            }
            sub.waitFor(200, TimeUnit.MILLISECONDS);
        }
        assertThat(sub.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        String received;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(sub.getInputStream(), StandardCharsets.UTF_8))) {
            received = r.lines().reduce("", (a, b) -> a + b + "\n");
        }
        assertThat(sub.exitValue()).as(received).isZero();
        assertThat(pubOutput.toString()).doesNotContain("rejected");
        assertThat(received).containsAnyOf("actuate/lander/estop stop", "actuate/lander/command " + command);
        assertThat(received.lines()).hasSize(2);
    }
}
