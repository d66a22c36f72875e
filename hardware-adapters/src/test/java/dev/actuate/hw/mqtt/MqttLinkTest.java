package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.config.MqttSettings;
import dev.actuate.hw.config.MqttVersion;
import dev.actuate.hw.config.TlsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLContext;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttLinkTest {
    @Test
    void socketFactoriesDisableNagle() throws Exception {
        try (Socket s = new NoDelaySocketFactory().createSocket()) {
            assertThat(s.getTcpNoDelay()).isTrue();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        try (Socket s = new NoDelaySslSocketFactory(ctx.getSocketFactory()).createSocket()) {
            assertThat(s.getTcpNoDelay()).isTrue();
        }
    }

    @Test
    void optionsNeverPrintPasswords() {
        MqttLinkOptions o = MqttLinkOptions.of("ssl://h:8883", "c1", new Credentials("bob", "s3cr3t"),
                new TlsConfig(Path.of("ca.p12"), "storepw"), null);
        assertThat(o.toString()).contains("bob").contains("ca.p12").doesNotContain("s3cr3t").doesNotContain("storepw");
    }

    /** Both Paho clients: 3.1.1 and 5, the version fixed (no fallback). */
    static MqttSettings settings(MqttVersion v) {
        return new MqttSettings(v, true, MqttSettings.DEFAULT_EXPIRY_PERIODS, 0);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void unreachableBrokerIsAClearErrorAndLeavesNoThreads(MqttVersion version) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String url = "tcp://127.0.0.1:" + port;
        MqttLink link = new MqttLink(MqttLinkOptions.of(url, "unreach-" + port, new Credentials("bob", "pw"), null, null)
                .withMqtt(settings(version)), List.of());
        assertThat(link.version()).isEqualTo(version);
        assertThatThrownBy(link::start).isInstanceOf(MqttConnectException.class)
                .hasMessageContaining("unreachable").hasMessageContaining(url).hasMessageContaining("user bob")
                .satisfies(e -> assertThat(((MqttConnectException) e).kind()).isEqualTo(MqttConnectException.Kind.UNREACHABLE));
        link.close();
        MqttTestSupport.await("no client threads", () -> MqttTestSupport.threadsNamedContaining("unreach-" + port) == 0);
    }

    private static MqttLink link(MisbehavingBroker broker, String clientId, MqttVersion version) {
        // 1 s connect timeout: the link gives up on a CONNACK after 1 + 2 s.
        return new MqttLink(new MqttLinkOptions(broker.url(), clientId, null, null, null, 5, 1, 10, 50, "online", "offline",
                settings(version)), List.of());
    }

    /** Paho's threads carry the client id in their names ("MQTT Con: id", "MQTT Rec: id", ...), as does the link's I/O thread. */
    private static void awaitNoThreadsOf(String clientId) {
        MqttTestSupport.await("no thread named after " + clientId + " (left: " + threadNames(clientId) + ")",
                () -> MqttTestSupport.threadsNamedContaining(clientId) == 0);
    }

    /** Names with the innermost frames, so a leak says where the thread is stuck. */
    private static List<String> threadNames(String part) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().isAlive() && e.getKey().getName().contains(part))
                .map(e -> e.getKey().getName() + " at " + Arrays.stream(e.getValue()).limit(4).map(String::valueOf)
                        .collect(Collectors.joining(" < ")))
                .sorted().toList();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void connectionResetWhileConnectingLeavesNoPahoThreads(MqttVersion version) throws Exception {
        // A broker killed just after accepting TCP: the reset reaches Paho while its connect thread is
        // still starting the receiver, sender and callback threads.
        try (MisbehavingBroker broker = new MisbehavingBroker(MisbehavingBroker.Mode.RESET)) {
            String id = "reset-" + version.label() + "-" + broker.port();
            MqttLink link = link(broker, id, version);
            assertThatThrownBy(link::start).isInstanceOf(MqttConnectException.class).hasMessageContaining(broker.url());
            assertThat(broker.accepted()).as("connect attempts (start retries a dropped handshake)").isEqualTo(3);
            link.close();
            awaitNoThreadsOf(id);
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void brokerThatNeverAnswersConnectFailsClearlyAndLeavesNoPahoThreads(MqttVersion version) throws Exception {
        try (MisbehavingBroker broker = new MisbehavingBroker(MisbehavingBroker.Mode.SILENT)) {
            String id = "silent-" + version.label() + "-" + broker.port();
            MqttLink link = link(broker, id, version);
            assertThatThrownBy(link::start).isInstanceOf(MqttConnectException.class).hasMessageContaining(broker.url())
                    .satisfies(e -> assertThat(((MqttConnectException) e).kind()).isEqualTo(MqttConnectException.Kind.UNREACHABLE));
            link.close();
            awaitNoThreadsOf(id);
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void reconnectsAfterAHungConnectAndClosesCleanlyDuringOne(MqttVersion version) throws Exception {
        try (MisbehavingBroker broker = new MisbehavingBroker(MisbehavingBroker.Mode.ANSWER)) {
            String id = "hung-" + version.label() + "-" + broker.port();
            MqttLink link = link(broker, id, version);
            link.start();
            assertThat(link.connected()).isTrue();

            // The broker hangs: the link's reconnect attempts get TCP but no CONNACK...
            broker.mode(MisbehavingBroker.Mode.SILENT);
            broker.dropAll();
            MqttTestSupport.await("a reconnect attempt that hangs", () -> !link.connected() && broker.accepted() >= 2);
            // ...until it answers again: the hung attempt is abandoned and a fresh one succeeds.
            broker.mode(MisbehavingBroker.Mode.ANSWER);
            MqttTestSupport.await("reconnected", () -> link.connected() && link.reconnects() == 1);

            // Hung again, and the link is closed while its reconnect attempt waits for a CONNACK.
            broker.mode(MisbehavingBroker.Mode.SILENT);
            int before = broker.accepted();
            broker.dropAll();
            MqttTestSupport.await("a reconnect attempt in flight", () -> broker.accepted() > before);
            link.close();
            awaitNoThreadsOf(id);
            assertThat(link.connected()).isFalse();
        }
    }

    /**
     * The connection drops while a message handler still runs on Paho's callback thread. Paho 1.2.5's
     * shutdown does not wait for that thread ({@code CommsCallback.stop()} sets the target state and then
     * polls {@code isRunning()}, which that very change made false), so the client reports
     * "disconnected" while it lives. A reconnect made then found the old thread running, started none,
     * and its connect thread polled {@code CommsCallback.start} for the life of the JVM: the attempt
     * timed out, and "MQTT Con" leaked. The link now waits for the old connection's threads before
     * every connect.
     */
    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void reconnectsWithoutLeakingWhenTheConnectionDropsDuringAHandler(MqttVersion version) throws Exception {
        try (MisbehavingBroker broker = new MisbehavingBroker(MisbehavingBroker.Mode.ANSWER)) {
            String id = "busy-" + version.label() + "-" + broker.port();
            CountDownLatch inHandler = new CountDownLatch(1);
            AtomicInteger messages = new AtomicInteger();
            MqttLink link = new MqttLink(new MqttLinkOptions(broker.url(), id, null, null, null, 5, 1, 10, 50, "online",
                    "offline", settings(version)), List.of(new MqttLink.Subscription("t/state", 0, (topic, payload) -> {
                        if (messages.incrementAndGet() == 1) {
                            inHandler.countDown();
                            sleepQuietly(600); // still running when the connection drops
                        }
                    })));
            link.start();
            assertThat(inHandler.await(10, TimeUnit.SECONDS)).as("first message delivered").isTrue();
            long dropped = System.nanoTime();
            broker.dropAll();
            MqttTestSupport.await("reconnected", () -> link.connected() && link.reconnects() == 1);
            long reconnectMs = (System.nanoTime() - dropped) / 1_000_000;
            System.out.printf("MQTT %s: reconnected %d ms after the drop, a handler still running%n", version.label(), reconnectMs);
            // One reconnect attempt, after the handler returned. Before the fix the first attempt hung in Paho's
            // start-up, was abandoned after the CONNACK wait (1 + 2 s) and the settle wait (1 + 5 s), and a second
            // one connected: about 9 s, both versions. The time is reported, not asserted (a loaded machine).
            assertThat(broker.accepted()).as("connections: the first and one reconnect").isEqualTo(2);
            MqttTestSupport.await("the re-subscription's message", () -> messages.get() >= 2);
            link.close();
            awaitNoThreadsOf(id);
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void badTruststoreNamesTheFile() {
        assertThatThrownBy(() -> NoDelaySslSocketFactory.forConfig(new TlsConfig(Path.of("/no/such/ca.p12"), "zebra-pass")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/no/such/ca.p12")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("zebra-pass"));
        assertThatThrownBy(() -> NoDelaySslSocketFactory.forConfig(new TlsConfig(null, null, Path.of("/no/such/client.p12"), "k3y-pass")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls.keystore")
                .hasMessageContaining("/no/such/client.p12")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("k3y-pass"));
        assertThatThrownBy(() -> NoDelaySslSocketFactory.forConfig(new TlsConfig(null, null, Path.of("client.p12"), null)))
                .hasMessageContaining("needs a keystore password");
    }
}
