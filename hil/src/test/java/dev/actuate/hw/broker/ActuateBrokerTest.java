package dev.actuate.hw.broker;

import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static dev.actuate.hw.broker.RawClient.concat;
import static dev.actuate.hw.broker.RawClient.packet;
import static dev.actuate.hw.broker.RawClient.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ActuateBroker} with real Paho clients (v3 and v5: each test runs for both where both apply)
 * and hand-made bytes. Waits poll with generous deadlines; expiry and keep-alive run on a fake clock.
 */
class ActuateBrokerTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private final List<AutoCloseable> open = new ArrayList<>();
    private ActuateBroker broker;

    private ActuateBroker start() {
        return start(null);
    }

    private ActuateBroker start(Credentials creds) {
        broker = ActuateBroker.start("127.0.0.1", 0, creds, clock::get);
        return broker;
    }

    private TestClient client(int version, String id) throws Exception {
        return client(version, id, TestClient.Options.plain());
    }

    private TestClient client(int version, String id, TestClient.Options o) throws Exception {
        TestClient c = TestClient.connect(version, broker.url(), id, o);
        open.add(c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the test may have dropped it
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    static void await(String what, BooleanSupplier condition) {
        Await.until(what, 20, condition);
    }

    /** Publishes a marker on {@code topic} and returns everything {@code c} received before it (in order). */
    private static List<TestClient.Received> upToMarker(TestClient publisher, TestClient c, String topic) throws Exception {
        publisher.publish(topic, "marker", 1, false);
        List<TestClient.Received> before = new ArrayList<>();
        while (true) {
            TestClient.Received r = c.next();
            assertThat(r).as("marker on " + topic).isNotNull();
            if (r.payload().equals("marker") && r.topic().equals(topic)) {
                return before;
            }
            before.add(r);
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = {3, 5})
    void publishesAtQos0And1AndDeliversAtTheLowerOfPublishedAndGrantedQos(int v) throws Exception {
        start();
        TestClient sub1 = client(v, "sub1");
        TestClient sub0 = client(v, "sub0");
        TestClient pub = client(v, "pub");
        assertThat(sub1.subscribe("t/x", 2)).isEqualTo(1); // granted min(requested, 1)
        assertThat(sub0.subscribe("t/x", 0)).isZero();
        pub.publish("t/x", "zero", 0, false);
        pub.publish("t/x", "one", 1, false);
        TestClient.Received a = sub1.next();
        TestClient.Received b = sub1.next();
        assertThat(List.of(a.payload(), a.qos(), b.payload(), b.qos())).containsExactly("zero", 0, "one", 1);
        assertThat(a.retained()).isFalse();
        assertThat(sub0.next().qos()).isZero();
        assertThat(sub0.next()).extracting(TestClient.Received::payload, TestClient.Received::qos).containsExactly("one", 0);
        // Many QoS 1 messages: each subscriber numbers its own packet ids and acknowledges them all.
        for (int i = 0; i < 300; i++) {
            pub.publish("t/x", "m" + i, 1, false);
        }
        for (int i = 0; i < 300; i++) {
            assertThat(sub1.next().payload()).isEqualTo("m" + i);
            assertThat(sub0.next().payload()).isEqualTo("m" + i);
        }
        assertThat(broker.clientCount()).isEqualTo(3);
        assertThat(broker.droppedMessages()).isZero();
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = {3, 5})
    void wildcardSubscriptionsMatchAndOverlappingOnesDeliverOneCopy(int v) throws Exception {
        start();
        TestClient sub = client(v, "wild");
        TestClient pub = client(v, "pub");
        sub.subscribe("actuate/+/state", 0);
        sub.subscribe("actuate/#", 1);
        sub.subscribe("other/+", 0);
        pub.publish("actuate/r1/state", "s", 1, false);
        pub.publish("actuate/r1/command", "c", 0, false);
        pub.publish("actuate", "parent", 0, false);
        pub.publish("other/a/b", "no", 0, false);
        pub.publish("other/a", "yes", 0, false);
        List<TestClient.Received> got = upToMarker(pub, sub, "other/m");
        assertThat(got).extracting(TestClient.Received::payload).containsExactly("s", "c", "parent", "yes");
        assertThat(got.get(0).qos()).isEqualTo(1); // the best of the matching subscriptions' QoS
        sub.unsubscribe("actuate/#");
        pub.publish("actuate/r1/command", "gone", 0, false);
        pub.publish("actuate/r1/state", "s2", 0, false);
        assertThat(upToMarker(pub, sub, "other/m")).extracting(TestClient.Received::payload).containsExactly("s2");
    }

    /** The broker reuses a client's last topic when the next PUBLISH repeats it byte for byte, and only then. */
    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = {3, 5})
    void aPublisherChangingTopicsGetsEachMessageRoutedByItsOwnTopic(int v) throws Exception {
        start();
        TestClient sub = client(v, "topics");
        TestClient pub = client(v, "pub");
        sub.subscribe("t/+", 0);
        String[] topics = {"t/aa", "t/aa", "t/ab", "t/aa", "t/a", "t/ab", "t/ab"};
        for (int i = 0; i < topics.length; i++) {
            pub.publish(topics[i], "m" + i, 0, false);
        }
        List<TestClient.Received> got = upToMarker(pub, sub, "t/m");
        assertThat(got).extracting(r -> r.topic() + "=" + r.payload())
                .containsExactly("t/aa=m0", "t/aa=m1", "t/ab=m2", "t/aa=m3", "t/a=m4", "t/ab=m5", "t/ab=m6");
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = {3, 5})
    void retainedMessagesAreStoredReplacedAndClearedByAnEmptyPayload(int v) throws Exception {
        start();
        TestClient pub = client(v, "pub");
        pub.publish("status/r1", "first", 1, true);
        pub.publish("status/r1", "second", 1, true);
        pub.publish("status/r2", "other", 0, true);
        TestClient a = client(v, "a");
        a.subscribe("status/+", 1);
        List<TestClient.Received> got = upToMarker(pub, a, "status/marker");
        assertThat(got).extracting(TestClient.Received::payload).containsExactly("second", "other");
        assertThat(got).allMatch(TestClient.Received::retained);
        assertThat(got.get(0).qos()).isEqualTo(1);
        assertThat(got.get(1).qos()).isZero();
        pub.publish("status/r1", "", 1, true); // clears; subscribers still get the empty message, not retained-flagged
        assertThat(a.next()).extracting(TestClient.Received::payload, TestClient.Received::retained).containsExactly("", false);
        TestClient b = client(v, "b");
        b.subscribe("status/#", 1);
        assertThat(upToMarker(pub, b, "status/marker")).extracting(TestClient.Received::payload).containsExactly("other");
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = {3, 5})
    void theWillIsPublishedWhenTheSocketDropsAndNotAfterDisconnect(int v) throws Exception {
        start();
        TestClient watcher = client(v, "watcher");
        watcher.subscribe("will/#", 1);
        TestClient polite = client(v, "polite", TestClient.Options.plain().will("will/polite", "offline", true));
        TestClient abrupt = client(v, "abrupt", TestClient.Options.plain().will("will/abrupt", "offline", true));
        polite.disconnect();
        abrupt.dropConnection();
        TestClient.Received w = watcher.next();
        assertThat(w.topic()).isEqualTo("will/abrupt");
        assertThat(w.payload()).isEqualTo("offline");
        assertThat(upToMarker(watcher, watcher, "will/marker")).isEmpty(); // no will from the polite client
        // The will was retained: a late subscriber sees it.
        TestClient late = client(v, "late");
        late.subscribe("will/+", 0);
        assertThat(upToMarker(watcher, late, "will/marker")).extracting(TestClient.Received::topic).containsExactly("will/abrupt");
        await("two clients left", () -> broker.clientCount() == 2);
    }

    @Test
    void mqtt5DisconnectWithWillReasonPublishesTheWill() throws Exception {
        start();
        TestClient watcher = client(5, "watcher");
        watcher.subscribe("will/#", 1);
        TestClient.V5 leaving = (TestClient.V5) client(5, "leaving", TestClient.Options.plain().will("will/leaving", "bye", false));
        leaving.disconnectWithWill();
        assertThat(watcher.next()).extracting(TestClient.Received::topic, TestClient.Received::payload)
                .containsExactly("will/leaving", "bye");
    }

    @ParameterizedTest(name = "MQTT protocol level {0}")
    @ValueSource(ints = {4, 5})
    void keepAliveExpiresAfterOneAndAHalfIntervalsAndPublishesTheWill(int level) throws Exception {
        start();
        TestClient watcher = client(5, "watcher");
        watcher.subscribe("will/#", 1);
        try (RawClient silent = new RawClient(broker.port())) {
            silent.send(RawClient.connect(level, "silent", 2, "will/silent", "expired"));
            assertThat(silent.read().type()).isEqualTo(2); // CONNACK
            await("connected", () -> broker.clientCount() == 2);
            clock.addAndGet(2_900_000_000L); // 1.45 x 2 s: still alive
            assertThat(upToMarker(watcher, watcher, "will/marker")).isEmpty();
            clock.addAndGet(200_000_000L); // 1.55 x 2 s
            assertThat(watcher.next()).extracting(TestClient.Received::topic, TestClient.Received::payload)
                    .containsExactly("will/silent", "expired");
            assertThat(silent.closedByBroker()).isTrue();
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = {3, 5})
    void aWrongPasswordIsRefusedWithTheProtocolsCode(int v) throws Exception {
        start(new Credentials("ops", "pw1"));
        assertThatThrownBy(() -> client(v, "bad", TestClient.Options.plain().login("ops", "nope")))
                .satisfies(e -> assertThat(reasonCode(e)).isEqualTo(v == 5 ? 0x86 : 4)); // bad user name or password
        assertThatThrownBy(() -> client(v, "anon"))
                .satisfies(e -> assertThat(reasonCode(e)).isEqualTo(v == 5 ? 0x87 : 5)); // not authorized
        TestClient good = client(v, "good", TestClient.Options.plain().login("ops", "pw1"));
        assertThat(good.connected()).isTrue();
        assertThat(broker.toString()).contains("ops").doesNotContain("pw1");
    }

    private static int reasonCode(Throwable e) {
        if (e instanceof org.eclipse.paho.client.mqttv3.MqttException m) {
            return m.getReasonCode();
        }
        if (e instanceof org.eclipse.paho.mqttv5.common.MqttException m) {
            return m.getReasonCode();
        }
        throw new AssertionError("not a Paho exception", e);
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = {3, 5})
    void aSecondConnectionWithTheSameClientIdTakesOver(int v) throws Exception {
        start();
        TestClient watcher = client(v, "watcher");
        watcher.subscribe("will/#", 1);
        TestClient first = client(v, "twin", TestClient.Options.plain().will("will/twin", "first gone", false));
        first.subscribe("t", 0);
        TestClient second = client(v, "twin");
        await("first connection closed", () -> !first.connected());
        // The first connection ended without DISCONNECT, so its will is published (MQTT 3.1.1 and 5).
        assertThat(watcher.next().payload()).isEqualTo("first gone");
        second.subscribe("t", 0);
        watcher.publish("t", "to the second", 0, false);
        assertThat(second.next().payload()).isEqualTo("to the second");
        assertThat(first.received).isEmpty();
        assertThat(broker.clientCount()).isEqualTo(2);
    }

    @Test
    void mqtt5MessageExpiryCountsDownWhileRetainedAndAnExpiredMessageIsNeverDelivered() throws Exception {
        start();
        TestClient pub = client(5, "pub");
        pub.publish5("exp/short", "1 s", 1, true, 1, null, null, null);
        pub.publish5("exp/long", "10 s", 1, true, 10, "application/json", "k", "v");
        clock.addAndGet(1_500_000_000L);
        TestClient sub = client(5, "sub");
        sub.subscribe("exp/#", 1);
        List<TestClient.Received> got = upToMarker(pub, sub, "exp/marker");
        assertThat(got).extracting(TestClient.Received::payload).containsExactly("10 s");
        assertThat(got.get(0).expirySeconds()).isEqualTo(9L); // 10 less the whole second it was held
        assertThat(got.get(0).contentType()).isEqualTo("application/json");
        assertThat(got.get(0).userProperties()).containsExactly("k=v");
        // A live message carries its expiry, content type and user properties on unchanged.
        pub.publish5("exp/live", "x", 0, false, 5, "text/plain", "robot", "r1");
        assertThat(sub.next()).extracting(TestClient.Received::expirySeconds, TestClient.Received::contentType,
                TestClient.Received::userProperties).containsExactly(5L, "text/plain", List.of("robot=r1"));
        // 3.1.1 subscribers get the payload without properties; the expiry still applies.
        clock.addAndGet(9_000_000_000L);
        TestClient old = client(3, "old");
        old.subscribe("exp/#", 1);
        assertThat(upToMarker(pub, old, "exp/marker")).isEmpty();
    }

    /** A well-formed PUBLISH (topic "ok", empty payload): the control case. */
    private static final byte[] GOOD_PUBLISH = packet(0x30, str("ok"));

    static Stream<byte[]> malformed() {
        return Stream.of(
                new byte[] {0x00, 0x00}, // packet type 0
                new byte[] {(byte) 0xC0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}, // remaining length over 4 bytes
                GOOD_PUBLISH,
                new byte[] {0x30, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01}, // 2 MB PUBLISH: over the 1 MB cap
                packet(0x30, new byte[] {0, 2, (byte) 0xC3, 0x28}, new byte[] {1}), // invalid UTF-8 topic
                packet(0x30, str("a/+")), // wildcard in a topic name
                packet(0x34, str("q2"), new byte[] {0, 1}), // QoS 2
                packet(0x82, new byte[] {0, 1}), // SUBSCRIBE without a filter
                packet(0x62, new byte[] {0, 1}), // PUBREL: no QoS 2 here
                packet(0x10, str("MQTT"), new byte[] {4, 2, 0, 60}, str("again"))); // a second CONNECT
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedInputClosesOnlyThatConnection(byte[] bad) throws Exception {
        start();
        TestClient sub = client(5, "sub");
        TestClient pub = client(3, "pub");
        sub.subscribe("ok", 0);
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect(4, "raw", 60, null, null));
            assertThat(raw.read().type()).isEqualTo(2);
            raw.send(bad);
            if (bad == GOOD_PUBLISH) {
                assertThat(sub.next().payload()).isEmpty(); // the control case: a good PUBLISH is routed
                raw.send(new byte[] {(byte) 0xC0, 0});
                assertThat(raw.read().type()).isEqualTo(13); // PINGRESP: still connected
            } else {
                assertThat(raw.closedByBroker()).isTrue();
            }
        }
        pub.publish("ok", "still working", 1, false);
        TestClient.Received r = sub.next();
        assertThat(r.payload()).isEqualTo("still working");
        assertThat(pub.connected() && sub.connected()).isTrue();
    }

    @Test
    void mqtt5QoS2IsRefusedWithReasonCode0x9BAndMalformedInputWithADisconnect() throws Exception {
        start();
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect(5, "raw5", 60, null, null));
            RawClient.Packet connack = raw.read();
            assertThat(connack.type()).isEqualTo(2);
            assertThat(connack.body()[1]).isZero();
            raw.send(packet(0x34, str("q2"), new byte[] {0, 1, 0}));
            RawClient.Packet d = raw.read();
            assertThat(d.type()).isEqualTo(14);
            assertThat(d.body()[0] & 0xFF).isEqualTo(0x9B); // QoS not supported
            assertThat(raw.closedByBroker()).isTrue();
        }
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect(5, "raw5b", 60, null, null));
            raw.read();
            raw.send(packet(0x30, str("t"), new byte[] {2, 0x7F, 0})); // unknown property id 0x7F
            RawClient.Packet d = raw.read();
            assertThat(d.type()).isEqualTo(14);
            assertThat(d.body()[0] & 0xFF).isEqualTo(0x81); // malformed packet
        }
    }

    @Test
    void mqtt5ConnackAnnouncesCleanSessionsNoTopicAliasesAndQos1AndAssignsAnEmptyId() throws Exception {
        start();
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect(5, "", 60, null, null));
            RawClient.Packet c = raw.read();
            assertThat(c.body()[0]).isZero(); // session present: 0
            assertThat(c.body()[1]).isZero(); // success
            String props = new String(c.body(), StandardCharsets.ISO_8859_1);
            assertThat(props).contains(new String(new byte[] {0x11, 0, 0, 0, 0}, StandardCharsets.ISO_8859_1)); // session expiry 0
            assertThat(props).contains(new String(new byte[] {0x22, 0, 0}, StandardCharsets.ISO_8859_1)); // topic alias maximum 0
            assertThat(props).contains(new String(new byte[] {0x24, 1}, StandardCharsets.ISO_8859_1)); // maximum QoS 1
            assertThat(props).contains("\u0012").contains("actuate-"); // assigned client identifier
        }
        try (RawClient raw = new RawClient(broker.port())) {
            // 3.1.1: an empty id needs a clean session; with clean session 0 it is "identifier rejected".
            raw.send(packet(0x10, str("MQTT"), new byte[] {4, 0, 0, 60}, str("")));
            assertThat(raw.read().body()[1]).isEqualTo((byte) 2);
            assertThat(raw.closedByBroker()).isTrue();
        }
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(packet(0x10, str("MQIsdp"), new byte[] {3, 2, 0, 60}, str("old"))); // MQTT 3.1
            assertThat(raw.read().body()[1]).isEqualTo((byte) 1); // unacceptable protocol version
        }
    }

    @Test
    void aClientThatDoesNotReadLosesQos0MessagesNotTheOthersTheirs() throws Exception {
        start();
        TestClient fast = client(5, "fast");
        fast.subscribe("flood", 0);
        try (RawClient stalled = new RawClient(broker.port())) {
            stalled.socket.setReceiveBufferSize(4096);
            stalled.send(RawClient.connect(4, "stalled", 0, null, null));
            stalled.read();
            stalled.send(packet(0x82, new byte[] {0, 1}, str("flood"), new byte[] {0}));
            stalled.read(); // SUBACK; from here on it never reads
            try (RawClient pub = new RawClient(broker.port())) {
                pub.send(RawClient.connect(4, "flooder", 0, null, null));
                pub.read();
                byte[] payload = new byte[16 * 1024];
                byte[] one = packet(0x30, str("flood"), payload);
                // 12.8 MB in all: more than the 1 MB cap plus what the socket buffers can hold (the stalled
                // side's receive buffer is pinned small; Linux lets the broker's send buffer grow to 4 MB by
                // default). In batches the reading client takes in turn, so it never has 1 MB pending itself.
                for (int batch = 0; batch < 40; batch++) {
                    for (int i = 0; i < 20; i++) {
                        pub.send(one);
                    }
                    for (int i = 0; i < 20; i++) {
                        assertThat(fast.next()).as("message %d of batch %d to the reading client", i, batch).isNotNull();
                    }
                }
            }
            assertThat(broker.droppedMessages()).isPositive();
        }
    }

    @Test
    void closeEndsTheLoopThreadAndEverySocket() throws Exception {
        start();
        TestClient c = client(3, "c");
        assertThat(threads()).isEqualTo(1);
        broker.close();
        await("client sees the close", () -> !c.connected());
        assertThat(threads()).isZero();
        assertThatThrownBy(() -> new RawClient(broker.port()).close()).isInstanceOf(IOException.class);
    }

    private static long threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("actuate-broker")).count();
    }

    @Test
    void mosquittoClientsWorkAgainstIt() throws Exception {
        java.nio.file.Path pubTool = java.nio.file.Path.of("/usr/bin/mosquitto_pub");
        java.nio.file.Path subTool = java.nio.file.Path.of("/usr/bin/mosquitto_sub");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(pubTool) && java.nio.file.Files.isExecutable(subTool),
                "mosquitto clients are not installed");
        start();
        for (String version : List.of("mqttv311", "mqttv5")) {
            String port = Integer.toString(broker.port());
            Process sub = new ProcessBuilder(subTool.toString(), "-h", "127.0.0.1", "-p", port, "-V", version, "-t", "tools/#",
                    "-C", "2", "-v", "-q", "1").redirectErrorStream(true).start();
            TestClient watcher = client(3, "watcher-" + version);
            await("mosquitto_sub connected", () -> broker.clientCount() == 2);
            Process pub = new ProcessBuilder(pubTool.toString(), "-h", "127.0.0.1", "-p", port, "-V", version, "-t", "tools/a",
                    "-m", "hello", "-q", "1", "-r").redirectErrorStream(true).start();
            assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes())).isZero();
            watcher.publish("tools/b", "from paho", 0, false);
            assertThat(sub.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList())
                    .containsExactly("tools/a hello", "tools/b from paho");
            watcher.publish("tools/a", "", 0, true);
            watcher.close();
        }
    }

    /** Payload and packet id of an MQTT 5 PUBLISH read by {@link RawClient} (empty properties assumed). */
    private static String[] publish5(RawClient.Packet p) {
        assertThat(p.type()).isEqualTo(3);
        byte[] b = p.body();
        int topicLen = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
        int qos = (p.flags() >> 1) & 3;
        int at = 2 + topicLen;
        String id = qos > 0 ? Integer.toString(((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF)) : "";
        at += qos > 0 ? 2 : 0;
        at += 1 + (b[at] & 0xFF); // property length (one byte here) and the properties
        return new String[] {new String(b, at, b.length - at, StandardCharsets.UTF_8), id};
    }

    @Test
    void qos1DeliveriesWaitForTheClientsReceiveMaximumAndKeepTheirOrder() throws Exception {
        start();
        TestClient pub = client(3, "pub");
        try (RawClient narrow = new RawClient(broker.port())) {
            // MQTT 5 CONNECT with Receive Maximum 1: one unacknowledged QoS 1 message at a time.
            narrow.send(packet(0x10, str("MQTT"), new byte[] {5, 2, 0, 60}, new byte[] {3, 0x21, 0, 1}, str("narrow")));
            assertThat(narrow.read().type()).isEqualTo(2);
            narrow.send(packet(0x82, new byte[] {0, 1, 0}, str("w"), new byte[] {1}));
            assertThat(narrow.read().type()).isEqualTo(9);
            for (String m : List.of("a", "b", "c")) {
                pub.publish("w", m, 1, false);
            }
            pub.publish("w", "qos0", 0, false); // not held by the window: it overtakes b and c
            String[] a = publish5(narrow.read());
            assertThat(a[0]).isEqualTo("a");
            assertThat(publish5(narrow.read())[0]).isEqualTo("qos0");
            narrow.send(packet(0x40, new byte[] {0, (byte) Integer.parseInt(a[1])}));
            String[] b = publish5(narrow.read());
            assertThat(b[0]).isEqualTo("b");
            narrow.send(packet(0x40, new byte[] {0, (byte) Integer.parseInt(b[1])}));
            assertThat(publish5(narrow.read())[0]).isEqualTo("c");
        }
    }
}
