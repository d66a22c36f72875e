package dev.actuate.hw.broker;

import dev.actuate.hw.broker.Connection.Subscription;
import dev.actuate.hw.broker.MqttCodec.ProtocolException;
import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.mqtt.TopicFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static dev.actuate.hw.broker.MqttCodec.*;

/**
 * A minimal MQTT 3.1.1 and 5 broker in Mosquitto's style: one thread runs a {@link Selector} loop
 * that reads a PUBLISH, matches it against the subscriptions and writes it to every subscriber in
 * the same iteration. No message crosses a thread, so on a small shared machine a message waits
 * for one core once rather than once per hand-off (the embedded Moquette's tail, docs/broker.md).
 *
 * <p>Scope: what Actuate's clients use. QoS 0 and 1 (QoS 2 is refused), retained messages, Last
 * Will, one optional username/password, {@code +}/{@code #} filters, keep-alive, client-id takeover;
 * clean sessions only (session present is always 0, MQTT 5 session expiry is set to 0); MQTT 5
 * message expiry, user properties and content type carried through; no topic aliases, shared or
 * identified subscriptions, enhanced authentication, will delay, TLS or WebSockets. Malformed input
 * closes only that connection, with a log line naming the client and the reason. A client that
 * reads too slowly gets its QoS 0 messages dropped past {@link #SOFT_PENDING_BYTES} pending
 * (counted, as Mosquitto does) and is disconnected past {@link #HARD_PENDING_BYTES}.
 */
public final class ActuateBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ActuateBroker.class);
    /** Largest remaining length accepted (and announced to MQTT 5 clients as their maximum packet size). */
    static final int MAX_REMAINING = 1 << 20;
    static final int SOFT_PENDING_BYTES = 1 << 20;
    static final int HARD_PENDING_BYTES = 16 << 20;
    /** QoS 1 messages held per client beyond its receive window before more are dropped. */
    static final int MAX_WAITING = 10_000;
    private static final long CONNECT_TIMEOUT_NANOS = 10_000_000_000L;
    private static final long SWEEP_NANOS = 100_000_000L;

    private final String host;
    private final Credentials credentials;
    private final LongSupplier clock;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final int port;
    private final Thread thread;
    private volatile boolean running = true;

    // Loop-thread state.
    private final List<Connection> all = new ArrayList<>();
    private final List<Connection> live = new ArrayList<>();
    private final Map<String, Connection> byClientId = new HashMap<>();
    private final Map<String, Message> retained = new LinkedHashMap<>();
    private final List<Connection> doomed = new ArrayList<>();
    private final MqttCodec.In in = new MqttCodec.In();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(MAX_REMAINING + 64);
    private long now;
    private long lastSweep;
    private long assignedIds;

    private final AtomicLong dropped = new AtomicLong();
    private volatile int clients;

    private ActuateBroker(String host, Credentials credentials, LongSupplier clock, Selector selector,
                          ServerSocketChannel server) {
        this.host = host;
        this.credentials = credentials;
        this.clock = clock;
        this.selector = selector;
        this.server = server;
        this.port = server.socket().getLocalPort();
        this.thread = new Thread(this::loop, "actuate-broker");
        thread.setDaemon(true);
    }

    /** Starts a broker on {@code host:port} (0 = a free port) that accepts only {@code credentials}, or anyone when null. */
    public static ActuateBroker start(String host, int port, Credentials credentials) {
        return start(host, port, credentials, System::nanoTime);
    }

    /** As {@link #start(String, int, Credentials)} with the clock that times keep-alive and message expiry. */
    static ActuateBroker start(String host, int port, Credentials credentials, LongSupplier clock) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " is outside 0..65535");
        }
        Selector selector = null;
        ServerSocketChannel server = null;
        try {
            selector = Selector.open();
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(host, port), 128);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            closeQuietly(selector);
            throw new IllegalStateException("embedded broker cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ActuateBroker b = new ActuateBroker(host, credentials, clock, selector, server);
        b.now = clock.getAsLong();
        b.lastSweep = b.now;
        b.thread.start();
        return b;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code tcp://host:port} for clients. */
    public String url() {
        return "tcp://" + host + ":" + port;
    }

    /** Messages not delivered to a subscriber: QoS 0 over a slow client's pending cap, or over its limits. */
    public long droppedMessages() {
        return dropped.get();
    }

    /** Clients connected now (CONNECT accepted). */
    public int clientCount() {
        return clients;
    }

    /** Stops the loop and closes every socket; returns once the loop thread has ended. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.error("embedded broker: the loop thread did not stop within 10 s");
        }
    }

    @Override
    public String toString() {
        return "ActuateBroker[" + url() + (credentials == null ? ", anonymous" : ", user " + credentials.username()) + "]";
    }

    // ---- the loop ----------------------------------------------------------------------------------

    private void loop() {
        try {
            while (running) {
                selector.select(SWEEP_NANOS / 1_000_000L);
                now = clock.getAsLong();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isValid() && key.isAcceptable()) {
                        try {
                            accept();
                        } catch (IOException e) {
                            // e.g. out of file descriptors: the clients already connected keep being served
                            LOG.warn("embedded broker: cannot accept a connection: {}", e.toString());
                        }
                    } else if (key.attachment() instanceof Connection c) {
                        serve(c, key);
                    }
                    reap();
                }
                if (now - lastSweep >= SWEEP_NANOS) {
                    lastSweep = now;
                    sweep();
                    reap();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("embedded broker: the loop failed, closing every connection", e);
        } finally {
            for (Connection c : new ArrayList<>(all)) {
                closeQuietly(c.channel);
            }
            all.clear();
            live.clear();
            byClientId.clear();
            clients = 0;
            closeQuietly(server);
            closeQuietly(selector);
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true); // small control messages must not wait for ACKs
                SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
                Connection c = new Connection(ch, key, String.valueOf(ch.getRemoteAddress()), now);
                key.attach(c);
                all.add(c);
            } catch (IOException e) {
                LOG.info("embedded broker: dropping a new connection: {}", e.toString());
                closeQuietly(ch);
            }
        }
    }

    /** Reads and handles what a connection sent, or writes what it has pending; a failure closes only it. */
    private void serve(Connection c, SelectionKey key) {
        if (c.doomed || !key.isValid()) {
            return;
        }
        try {
            if (key.isReadable()) {
                read(c);
            }
            if (!c.doomed && key.isValid() && key.isWritable()) {
                flush(c);
            }
        } catch (ProtocolException e) {
            drop(c, e.getMessage(), e.reason, true, true);
        } catch (EOFException e) {
            drop(c, "connection closed by the client without DISCONNECT", -1, true, false);
        } catch (IOException e) {
            drop(c, "connection lost: " + e.getMessage(), -1, true, false);
        } catch (RuntimeException e) {
            LOG.error("embedded broker: internal error serving client {}", c.name(), e);
            drop(c, "internal error: " + e, RC_UNSPECIFIED, true, true);
        }
    }

    private void read(Connection c) throws IOException, ProtocolException {
        if (c.channel.read(c.in) < 0) {
            throw new EOFException();
        }
        c.lastReceivedNanos = now;
        ByteBuffer b = c.in;
        b.flip();
        int end = b.limit();
        int needed = 0;
        while (!c.doomed) {
            int len = frameLength(b, MAX_REMAINING);
            if (len < 0) {
                break;
            }
            if (b.remaining() < len) {
                needed = len;
                break;
            }
            int start = b.position();
            int header = 2;
            while ((b.get(start + header - 1) & 0x80) != 0) {
                header++;
            }
            int first = b.get(start) & 0xFF;
            in.reset(b, start + header, start + len);
            handle(c, first >>> 4, first & 0x0F);
            b.limit(end);
            b.position(start + len);
        }
        if (needed > b.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(needed);
            bigger.put(b);
            c.in = bigger;
        } else {
            b.compact();
        }
    }

    private void flush(Connection c) throws IOException {
        c.out.flip();
        c.channel.write(c.out);
        c.out.compact();
        if (c.out.position() == 0) {
            c.key.interestOps(SelectionKey.OP_READ);
        }
    }

    /** Keep-alive (1.5 x the client's interval, as MQTT specifies) and the wait for CONNECT. */
    private void sweep() {
        for (Connection c : all) {
            if (c.doomed) {
                continue;
            }
            if (!c.connected && now - c.acceptedNanos > CONNECT_TIMEOUT_NANOS) {
                drop(c, "no CONNECT within 10 s", -1, false, false);
            } else if (c.connected && c.keepAliveNanos > 0 && now - c.lastReceivedNanos > c.keepAliveNanos) {
                drop(c, "keep-alive expired (nothing received for 1.5 x " + c.keepAliveNanos / 1_500_000_000.0 + " s)",
                        RC_KEEP_ALIVE_TIMEOUT, true, true);
            }
        }
    }

    // ---- closing -----------------------------------------------------------------------------------

    /**
     * Marks a connection to close once the current packet is handled (never mid-routing), with an
     * MQTT 5 DISCONNECT carrying {@code reason} where it is >= 0 and the client speaks 5.
     */
    private void drop(Connection c, String why, int reason, boolean publishWill, boolean warn) {
        if (c.doomed) {
            return;
        }
        c.doomed = true;
        if (!publishWill) {
            c.will = null;
        }
        if (warn) {
            LOG.warn("embedded broker: closing client {}: {}", c.name(), why);
        } else {
            LOG.info("embedded broker: client {} gone: {}", c.name(), why);
        }
        if (reason >= 0 && c.connected && c.v5() && c.pendingBytes() == 0) {
            try {
                c.channel.write(ByteBuffer.wrap(new byte[] {(byte) 0xE0, 1, (byte) reason})); // best effort, non-blocking
            } catch (IOException ignored) {
                // the socket is going anyway
            }
        }
        doomed.add(c);
    }

    /** Closes the doomed connections; their wills may doom more (a failed write), so until none is left. */
    private void reap() {
        while (!doomed.isEmpty()) {
            Connection c = doomed.remove(doomed.size() - 1);
            c.key.cancel();
            closeQuietly(c.channel);
            all.remove(c);
            if (live.remove(c)) {
                clients = live.size();
            }
            if (c.clientId != null && byClientId.get(c.clientId) == c) {
                byClientId.remove(c.clientId);
            }
            Message will = c.will;
            c.will = null;
            if (will != null) {
                publish(withReceived(will, now), null);
            }
        }
    }

    // ---- packets -----------------------------------------------------------------------------------

    private void handle(Connection c, int type, int flags) throws ProtocolException, IOException {
        if (!c.connected && type != CONNECT) {
            throw new ProtocolException(RC_PROTOCOL_ERROR, "first packet is type " + type + ", not CONNECT");
        }
        if (type != PUBLISH && flags != ((type == SUBSCRIBE || type == UNSUBSCRIBE || type == PUBREL) ? 2 : 0)) {
            throw malformed("packet type " + type + " with reserved flags 0x" + Integer.toHexString(flags));
        }
        switch (type) {
            case CONNECT -> {
                if (c.connected) {
                    throw new ProtocolException(RC_PROTOCOL_ERROR, "a second CONNECT");
                }
                onConnect(c);
            }
            case PUBLISH -> onPublish(c, flags);
            case PUBACK -> {
                if (c.release(in.u16("PUBACK packet id"))) {
                    pumpWaiting(c);
                }
            }
            case SUBSCRIBE -> onSubscribe(c);
            case UNSUBSCRIBE -> onUnsubscribe(c);
            case PINGREQ -> send(c, packet().put((byte) 0xD0).put((byte) 0));
            case DISCONNECT -> {
                int reason = in.remaining() > 0 ? in.u8("DISCONNECT reason") : RC_SUCCESS;
                // 0x04 "disconnect with will message" (MQTT 5) keeps the will; any other DISCONNECT discards it.
                drop(c, "DISCONNECT" + (reason == 0 ? "" : " reason 0x" + Integer.toHexString(reason)), -1,
                        reason == RC_DISCONNECT_WITH_WILL, false);
            }
            case PUBREC, PUBREL, PUBCOMP -> throw new ProtocolException(RC_QOS_NOT_SUPPORTED,
                    "QoS 2 flow (packet type " + type + "): this broker supports QoS 0 and 1 only");
            case AUTH -> throw new ProtocolException(RC_PROTOCOL_ERROR, "AUTH: enhanced authentication is not supported");
            default -> throw malformed("unknown packet type " + type);
        }
    }

    private void onConnect(Connection c) throws ProtocolException, IOException {
        String protocol = in.utf8("protocol name");
        int level = in.u8("protocol level");
        if (!protocol.equals("MQTT") || (level != 4 && level != 5)) {
            // 3.1.1's "unacceptable protocol version" is the answer every client version understands.
            send(c, packet().put((byte) 0x20).put((byte) 2).put((byte) 0).put((byte) 1));
            drop(c, "protocol " + protocol + " level " + level + " is not supported (MQTT 3.1.1 and 5 are)", -1, false, false);
            return;
        }
        c.version = level;
        int flags = in.u8("connect flags");
        boolean clean = (flags & 0x02) != 0;
        boolean willFlag = (flags & 0x04) != 0;
        int willQos = (flags >> 3) & 3;
        boolean willRetain = (flags & 0x20) != 0;
        boolean hasPassword = (flags & 0x40) != 0;
        boolean hasUser = (flags & 0x80) != 0;
        if ((flags & 1) != 0 || willQos == 3 || (!willFlag && (willQos != 0 || willRetain))) {
            throw malformed("connect flags 0x" + Integer.toHexString(flags));
        }
        int keepAlive = in.u16("keep alive");
        Props props = c.v5() ? in.props("CONNECT") : new Props();
        String id = in.utf8("client identifier");
        c.clientId = id.isEmpty() ? null : id;
        Message will = null;
        if (willFlag) {
            Props wp = c.v5() ? in.props("will") : new Props();
            String topic = in.utf8("will topic");
            byte[] payload = in.binary("will payload");
            if (!TopicFilter.validTopicName(topic)) {
                throw new ProtocolException(RC_TOPIC_INVALID, "will topic '" + topic + "' is not a valid topic name");
            }
            // A will is delivered at most at QoS 1 like any message here, so a QoS 2 will is held as QoS 1.
            will = message(topic, topic.getBytes(StandardCharsets.UTF_8), payload, Math.min(willQos, 1), willRetain,
                    wp.messageExpiry, wp.forward);
        }
        String user = hasUser ? in.utf8("user name") : null;
        byte[] pw = hasPassword ? in.binary("password") : null;
        if (in.remaining() != 0) {
            throw malformed("CONNECT has " + in.remaining() + " bytes after its payload");
        }
        if (props.authMethod != null) {
            refuse(c, RC_BAD_AUTH_METHOD, 5, "enhanced authentication (" + props.authMethod + ") is not supported");
            return;
        }
        if (credentials != null && !credentials.matches(user, pw)) {
            boolean anonymous = user == null;
            // 3.1.1: 5 "not authorized" for no user, 4 "bad user name or password"; MQTT 5 likewise 0x87 / 0x86.
            refuse(c, anonymous ? RC_NOT_AUTHORIZED : RC_BAD_CREDENTIALS, anonymous ? 5 : 4,
                    anonymous ? "no user name (this broker requires one)" : "wrong user name or password for user " + user);
            return;
        }
        boolean assigned = false;
        if (id.isEmpty()) {
            if (!c.v5() && !clean) {
                refuse(c, 0, 2, "an empty client id needs a clean session (MQTT 3.1.1)");
                return;
            }
            c.clientId = "actuate-" + Long.toHexString(++assignedIds) + "-" + Long.toHexString(now & 0xFFFFFF);
            assigned = true;
        }
        Connection old = byClientId.get(c.clientId);
        if (old != null && !old.doomed) {
            // MQTT: the new connection takes over; the old one's will is published, as for any close without DISCONNECT.
            drop(old, "taken over by a new connection with the same client id", RC_TAKEN_OVER, true, false);
            reap();
        }
        c.will = will;
        c.keepAliveNanos = keepAlive * 1_500_000_000L;
        if (props.receiveMaximum > 0) {
            c.receiveMaximum = props.receiveMaximum;
        }
        if (props.maximumPacketSize > 0) {
            c.maximumPacketSize = props.maximumPacketSize;
        }
        c.connected = true;
        byClientId.put(c.clientId, c);
        live.add(c);
        clients = live.size();
        ByteBuffer b = packet();
        if (!c.v5()) {
            b.put((byte) 0x20).put((byte) 2).put((byte) 0).put((byte) 0); // session present: never (clean sessions only)
        } else {
            byte[] assignedId = assigned ? c.clientId.getBytes(StandardCharsets.UTF_8) : NO_BYTES;
            int propsLen = 5 + 2 + 3 + 5 + 2 + 2 + (assigned ? 3 + assignedId.length : 0);
            b.put((byte) 0x20);
            putVarInt(b, 2 + varIntSize(propsLen) + propsLen);
            b.put((byte) 0).put((byte) 0);
            putVarInt(b, propsLen);
            b.put((byte) P_SESSION_EXPIRY).putInt(0); // overrides the client's: nothing outlives the connection
            b.put((byte) P_MAXIMUM_QOS).put((byte) 1);
            b.put((byte) P_TOPIC_ALIAS_MAXIMUM).putShort((short) 0);
            b.put((byte) P_MAXIMUM_PACKET_SIZE).putInt(MAX_REMAINING + 5);
            b.put((byte) P_SUBSCRIPTION_IDS_AVAILABLE).put((byte) 0);
            b.put((byte) P_SHARED_AVAILABLE).put((byte) 0);
            if (assigned) {
                b.put((byte) P_ASSIGNED_CLIENT_ID);
                putUtf8(b, assignedId);
            }
        }
        send(c, b);
        LOG.debug("embedded broker: client {} connected (MQTT {}, keep-alive {} s)", c.name(), c.v5() ? "5" : "3.1.1", keepAlive);
    }

    /** CONNACK with a refusal (MQTT 5 reason {@code rc5}, 3.1.1 return code {@code rc4}), then close. */
    private void refuse(Connection c, int rc5, int rc4, String why) {
        ByteBuffer b = packet().put((byte) 0x20);
        if (c.v5()) {
            b.put((byte) 3).put((byte) 0).put((byte) rc5).put((byte) 0);
        } else {
            b.put((byte) 2).put((byte) 0).put((byte) rc4);
        }
        send(c, b);
        c.will = null;
        drop(c, "connection refused: " + why, -1, false, true);
    }

    private void onPublish(Connection c, int flags) throws ProtocolException {
        int qos = (flags >> 1) & 3;
        boolean retain = (flags & 1) != 0;
        if (qos == 3) {
            throw malformed("PUBLISH with QoS 3");
        }
        // A client publishes to a few topics over and over: the last one's String and bytes are reused
        // rather than decoded and encoded again for every message.
        boolean sameTopic = c.lastTopicUtf8 != null && in.nextStringIs(c.lastTopicUtf8);
        String topic = sameTopic ? c.lastTopic : in.utf8("PUBLISH topic");
        int packetId = qos > 0 ? in.u16("PUBLISH packet id") : 0;
        if (qos > 0 && packetId == 0) {
            throw malformed("PUBLISH with packet id 0");
        }
        Props p = c.v5() ? in.props("PUBLISH") : new Props();
        if (p.topicAlias >= 0) {
            throw new ProtocolException(RC_TOPIC_ALIAS_INVALID, "topic alias " + p.topicAlias
                    + " sent, but this broker's Topic Alias Maximum is 0");
        }
        if (qos == 2) {
            throw new ProtocolException(RC_QOS_NOT_SUPPORTED, "QoS 2 PUBLISH to '" + topic + "': this broker supports QoS 0 and 1 only");
        }
        if (!TopicFilter.validTopicName(topic)) {
            throw new ProtocolException(RC_TOPIC_INVALID, "PUBLISH to '" + topic + "', not a valid topic name");
        }
        byte[] topicUtf8 = sameTopic ? c.lastTopicUtf8 : topic.getBytes(StandardCharsets.UTF_8);
        c.lastTopic = topic;
        c.lastTopicUtf8 = topicUtf8;
        Message m = message(topic, topicUtf8, in.rest(), qos, retain, p.messageExpiry, p.forward);
        publish(m, c); // subscribers first: the acknowledgement is off the message's path
        if (qos == 1 && !c.doomed) {
            ByteBuffer b = packet().put((byte) 0x40).put((byte) 2).putShort((short) packetId);
            send(c, b);
        }
    }

    private Message message(String topic, byte[] topicUtf8, byte[] payload, int qos, boolean retain, long expiry,
                            byte[] props) {
        return new Message(topic, topicUtf8, payload, qos, retain, expiry > 0 ? expiry : -1, now, props);
    }

    private static Message withReceived(Message m, long nowNanos) {
        return new Message(m.topic(), m.topicUtf8(), m.payload(), m.qos(), m.retain(), m.expirySeconds(),
                nowNanos, m.props());
    }

    /** Routes a message to every connected client with a matching subscription: one copy per client, at its best QoS. */
    private void publish(Message m, Connection from) {
        if (m.retain()) {
            // A PUBLISH or a will with the retain flag replaces (or, empty, clears) the retained message.
            if (m.payload().length == 0) {
                retained.remove(m.topic());
            } else {
                retained.put(m.topic(), m);
            }
        }
        for (int i = 0; i < live.size(); i++) {
            Connection s = live.get(i);
            if (s.doomed) {
                continue;
            }
            int best = -1;
            boolean retainAsPublished = false;
            for (int j = 0; j < s.subscriptions.size(); j++) { // indexed: no iterator per message
                Subscription sub = s.subscriptions.get(j);
                if ((!sub.noLocal() || s != from) && TopicFilter.matches(sub.filter(), m.topic())) {
                    best = Math.max(best, sub.qos());
                    retainAsPublished |= sub.retainAsPublished();
                }
            }
            if (best >= 0) {
                deliver(s, m, Math.min(m.qos(), best), retainAsPublished && m.retain());
            }
        }
    }

    private void deliver(Connection s, Message m, int qos, boolean retainFlag) {
        if (qos == 0 && s.pendingBytes() > SOFT_PENDING_BYTES) {
            dropped.incrementAndGet(); // a slow reader loses QoS 0 messages, not the others their latency
            return;
        }
        if (qos == 1 && (!s.windowOpen() || !s.waiting.isEmpty())) {
            if (s.waiting.size() >= MAX_WAITING) {
                dropped.incrementAndGet();
            } else {
                s.waiting.add(new Connection.Waiting(m, retainFlag)); // in order, behind the ones already waiting
            }
            return;
        }
        write(s, m, qos, retainFlag);
    }

    /** Encodes the PUBLISH for this subscriber (its packet id, its protocol's properties) and sends it. */
    private void write(Connection s, Message m, int qos, boolean retainFlag) {
        if (m.expired(now)) {
            return;
        }
        int packetId = qos == 1 ? s.allocatePacketId() : 0;
        boolean expiry = s.v5() && m.expirySeconds() > 0;
        int propsLen = s.v5() ? (expiry ? 5 : 0) + m.props().length : 0;
        int remaining = 2 + m.topicUtf8().length + (qos > 0 ? 2 : 0) + (s.v5() ? varIntSize(propsLen) + propsLen : 0)
                + m.payload().length;
        if (1 + varIntSize(remaining) + remaining > s.maximumPacketSize) {
            dropped.incrementAndGet(); // MQTT 5: a packet over the client's maximum is discarded, not sent
            if (qos == 1) {
                s.release(packetId);
            }
            return;
        }
        ByteBuffer b = packet();
        b.put((byte) (0x30 | (qos << 1) | (retainFlag ? 1 : 0)));
        putVarInt(b, remaining);
        putUtf8(b, m.topicUtf8());
        if (qos > 0) {
            b.putShort((short) packetId);
        }
        if (s.v5()) {
            putVarInt(b, propsLen);
            if (expiry) {
                b.put((byte) P_MESSAGE_EXPIRY).putInt((int) m.remainingExpiry(now));
            }
            b.put(m.props());
        }
        b.put(m.payload());
        send(s, b);
    }

    private void pumpWaiting(Connection c) {
        while (!c.doomed && c.windowOpen() && !c.waiting.isEmpty()) {
            Connection.Waiting w = c.waiting.poll();
            write(c, w.message(), 1, w.retain());
        }
    }

    private void onSubscribe(Connection c) throws ProtocolException {
        int packetId = in.u16("SUBSCRIBE packet id");
        if (c.v5()) {
            in.props("SUBSCRIBE"); // a subscription identifier is ignored: CONNACK said they are unavailable
        }
        List<Subscription> wantRetained = new ArrayList<>();
        ByteBuffer codes = ByteBuffer.allocate(in.remaining());
        while (in.remaining() > 0) {
            String filter = in.utf8("SUBSCRIBE topic filter");
            int options = in.u8("subscription options");
            int qos = options & 3;
            int retainHandling = (options >> 4) & 3;
            if (qos == 3 || (c.v5() ? (options & 0xC0) != 0 || retainHandling == 3 : (options & 0xFC) != 0)) {
                throw malformed("subscription options 0x" + Integer.toHexString(options) + " for '" + filter + "'");
            }
            if (!TopicFilter.validFilter(filter)) {
                codes.put((byte) (c.v5() ? RC_FILTER_INVALID : 0x80));
                LOG.info("embedded broker: client {} subscribed to an invalid filter '{}'", c.name(), filter);
                continue;
            }
            if (filter.startsWith("$share/")) {
                codes.put((byte) (c.v5() ? RC_SHARED_NOT_SUPPORTED : 0x80));
                continue;
            }
            boolean v5 = c.v5();
            Subscription sub = new Subscription(filter, Math.min(qos, 1),
                    v5 && (options & 4) != 0, v5 && (options & 8) != 0);
            boolean existed = c.subscriptions.removeIf(s -> s.filter().equals(filter));
            c.subscriptions.add(sub);
            codes.put((byte) sub.qos());
            // Retain handling (MQTT 5): 0 always send retained messages, 1 only for a new subscription, 2 never.
            if (retainHandling == 0 || (retainHandling == 1 && !existed)) {
                wantRetained.add(sub);
            }
        }
        if (codes.position() == 0) {
            throw new ProtocolException(RC_PROTOCOL_ERROR, "SUBSCRIBE without a topic filter");
        }
        codes.flip();
        ackList(c, 0x90, packetId, codes);
        for (Subscription sub : wantRetained) {
            for (Iterator<Message> it = retained.values().iterator(); it.hasNext() && !c.doomed; ) {
                Message m = it.next();
                if (m.expired(now)) {
                    it.remove(); // MQTT 5: an expired retained message is gone
                } else if (TopicFilter.matches(sub.filter(), m.topic())) {
                    deliver(c, m, Math.min(m.qos(), sub.qos()), true);
                }
            }
        }
    }

    private void onUnsubscribe(Connection c) throws ProtocolException {
        int packetId = in.u16("UNSUBSCRIBE packet id");
        if (c.v5()) {
            in.props("UNSUBSCRIBE");
        }
        ByteBuffer codes = ByteBuffer.allocate(in.remaining());
        while (in.remaining() > 0) {
            String filter = in.utf8("UNSUBSCRIBE topic filter");
            codes.put((byte) (c.subscriptions.removeIf(s -> s.filter().equals(filter)) ? RC_SUCCESS : RC_NO_SUBSCRIPTION));
        }
        if (codes.position() == 0) {
            throw new ProtocolException(RC_PROTOCOL_ERROR, "UNSUBSCRIBE without a topic filter");
        }
        codes.flip();
        if (c.v5()) {
            ackList(c, 0xB0, packetId, codes);
        } else {
            send(c, packet().put((byte) 0xB0).put((byte) 2).putShort((short) packetId));
        }
    }

    /** SUBACK, or MQTT 5's UNSUBACK: packet id, (MQTT 5) empty properties, one code per filter. */
    private void ackList(Connection c, int first, int packetId, ByteBuffer codes) {
        int remaining = 2 + (c.v5() ? 1 : 0) + codes.remaining();
        ByteBuffer b = packet().put((byte) first);
        putVarInt(b, remaining);
        b.putShort((short) packetId);
        if (c.v5()) {
            b.put((byte) 0);
        }
        b.put(codes);
        send(c, b);
    }

    // ---- output ------------------------------------------------------------------------------------

    /** The scratch buffer, cleared, to encode one packet into. */
    private ByteBuffer packet() {
        scratch.clear();
        return scratch;
    }

    /**
     * Writes the encoded packet (the scratch buffer up to its position) now if nothing is pending, and
     * keeps what the socket does not take for OP_WRITE. A write failure closes only that client.
     */
    private void send(Connection c, ByteBuffer packet) {
        packet.flip();
        if (c.doomed) {
            return;
        }
        try {
            if (c.pendingBytes() == 0) {
                c.channel.write(packet);
                if (!packet.hasRemaining()) {
                    return;
                }
            }
            int total = c.pendingBytes() + packet.remaining();
            if (total > HARD_PENDING_BYTES) {
                drop(c, "over " + HARD_PENDING_BYTES + " bytes pending: the client does not read fast enough",
                        RC_QUOTA_EXCEEDED, true, true);
                return;
            }
            if (total > c.out.capacity()) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(total, Math.min(HARD_PENDING_BYTES, c.out.capacity() * 2)));
                c.out.flip();
                bigger.put(c.out);
                c.out = bigger;
            }
            c.out.put(packet);
            c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        } catch (IOException e) {
            drop(c, "write failed: " + e.getMessage(), -1, true, false);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
