package dev.actuate.hw.broker;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** One client connection's state; touched only by the broker's loop thread. */
final class Connection {
    /** A subscription to a valid filter ({@link dev.actuate.hw.mqtt.TopicFilter#validFilter}). */
    record Subscription(String filter, int qos, boolean noLocal, boolean retainAsPublished) {
    }

    /** A QoS 1 message waiting for the client's receive window (MQTT 5 Receive Maximum) to open. */
    record Waiting(Message message, boolean retain) {
    }

    final SocketChannel channel;
    final SelectionKey key;
    final String remote;
    final long acceptedNanos;
    ByteBuffer in = ByteBuffer.allocate(4096);
    /** Bytes the socket did not take yet (write mode: position = bytes pending); OP_WRITE is set only while non-empty. */
    ByteBuffer out = ByteBuffer.allocate(0);
    boolean connected;
    /** Set once the connection is to be closed; nothing more is read from or written to it. */
    boolean doomed;
    String clientId;
    int version;
    long keepAliveNanos;
    long lastReceivedNanos;
    Message will;
    /** The topic of this client's last PUBLISH, as received and as a String (see ActuateBroker.onPublish). */
    byte[] lastTopicUtf8;
    String lastTopic;
    int receiveMaximum = 65_535;
    long maximumPacketSize = Long.MAX_VALUE;
    final List<Subscription> subscriptions = new ArrayList<>();
    final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final BitSet inflight = new BitSet(65_536);
    private int inflightCount;
    private int nextPacketId = 1;

    Connection(SocketChannel channel, SelectionKey key, String remote, long nowNanos) {
        this.channel = channel;
        this.key = key;
        this.remote = remote;
        this.acceptedNanos = nowNanos;
        this.lastReceivedNanos = nowNanos;
    }

    boolean v5() {
        return version == 5;
    }

    int pendingBytes() {
        return out.position();
    }

    boolean windowOpen() {
        return inflightCount < receiveMaximum;
    }

    /** A packet id not in flight to this client (QoS 1 deliveries are numbered per subscriber). */
    int allocatePacketId() {
        while (inflight.get(nextPacketId)) {
            nextPacketId = nextPacketId == 65_535 ? 1 : nextPacketId + 1;
        }
        int id = nextPacketId;
        inflight.set(id);
        inflightCount++;
        nextPacketId = nextPacketId == 65_535 ? 1 : nextPacketId + 1;
        return id;
    }

    /** PUBACK received (or a delivery abandoned); false if that id was not in flight. */
    boolean release(int packetId) {
        if (!inflight.get(packetId)) {
            return false;
        }
        inflight.clear(packetId);
        inflightCount--;
        return true;
    }

    String name() {
        return (clientId == null ? "(before CONNECT)" : "'" + clientId + "'") + " from " + remote;
    }
}
