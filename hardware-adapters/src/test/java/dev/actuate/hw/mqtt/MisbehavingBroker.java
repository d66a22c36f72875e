package dev.actuate.hw.mqtt;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A loopback TCP listener that plays an MQTT broker failing in the ways a killed or hung one does,
 * deterministically: it answers CONNECT (and PINGREQ) normally, accepts connections and never
 * answers, or resets each connection shortly after accepting it.
 */
final class MisbehavingBroker implements AutoCloseable {
    enum Mode {
        /**
         * CONNACK "accepted" for every CONNECT (in the CONNECT's protocol version, 3.1.1 or 5), PINGRESP for
         * every PINGREQ, and for every SUBSCRIBE a SUBACK followed by one QoS 0 message ("hello") on the
         * first filter, as a retained message would arrive; everything else is ignored.
         */
        ANSWER,
        /** Accepts TCP and never sends a byte. */
        SILENT,
        /**
         * Resets the connection 30 ms after accepting it: the client's connect thread is then still
         * starting Paho's receiver, sender and callback threads (it polls them every 100 ms).
         */
        RESET
    }

    private static final byte[] CONNACK = {0x20, 0x02, 0x00, 0x00};
    /** MQTT 5's CONNACK adds a properties length (0). */
    private static final byte[] CONNACK_V5 = {0x20, 0x03, 0x00, 0x00, 0x00};
    private static final byte[] PINGRESP = {(byte) 0xD0, 0x00};

    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile Mode mode;

    MisbehavingBroker(Mode mode) throws IOException {
        this.mode = mode;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "misbehaving-broker");
        t.setDaemon(true);
        t.start();
    }

    String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    void mode(Mode m) {
        mode = m;
    }

    /** TCP connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    /** Resets every open connection, as the kernel does for a killed broker. */
    void dropAll() {
        for (Socket s : open) {
            reset(s);
        }
        open.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException closed) {
                return;
            }
            accepted.incrementAndGet();
            switch (mode) {
                case RESET -> {
                    sleep(30);
                    reset(s);
                }
                case SILENT -> open.add(s);
                case ANSWER -> {
                    open.add(s);
                    Thread t = new Thread(() -> serve(s), "misbehaving-broker-conn");
                    t.setDaemon(true);
                    t.start();
                }
            }
        }
    }

    private static void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            int header;
            boolean v5 = false;
            while ((header = in.read()) >= 0) {
                int length = 0;
                for (int shift = 0, b = 0x80; (b & 0x80) != 0; shift += 7) {
                    b = in.readUnsignedByte();
                    length |= (b & 0x7F) << shift;
                }
                byte[] body = in.readNBytes(length);
                switch (header >> 4) {
                    // Variable header: protocol name (00 04 'MQTT'), then the protocol level: 4 = 3.1.1, 5 = 5.
                    case 1 -> {
                        v5 = body.length > 6 && body[6] == 5;
                        out.write(v5 ? CONNACK_V5 : CONNACK);
                    }
                    case 8 -> subscribed(body, v5, out);
                    case 12 -> out.write(PINGRESP);
                    case 14 -> {
                        return; // DISCONNECT
                    }
                    default -> {
                    }
                }
                out.flush();
            }
        } catch (IOException gone) {
            // The client or dropAll() closed the connection.
        }
    }

    /** SUBACK (granted QoS 0) for a SUBSCRIBE's body, then a QoS 0 PUBLISH of "hello" on its first filter. */
    private static void subscribed(byte[] body, boolean v5, OutputStream out) throws IOException {
        int at = 2; // packet identifier
        if (v5) { // skip the properties: a variable byte integer length, then that many bytes
            int props = 0;
            for (int shift = 0, b = 0x80; (b & 0x80) != 0; shift += 7) {
                b = body[at++] & 0xFF;
                props |= (b & 0x7F) << shift;
            }
            at += props;
        }
        int n = ((body[at] & 0xFF) << 8) | (body[at + 1] & 0xFF);
        byte[] filter = Arrays.copyOfRange(body, at, at + 2 + n); // length-prefixed, as PUBLISH's topic
        out.write(v5 ? new byte[] {(byte) 0x90, 0x04, body[0], body[1], 0x00, 0x00} : new byte[] {(byte) 0x90, 0x03, body[0], body[1], 0x00});
        byte[] payload = "hello".getBytes(StandardCharsets.US_ASCII);
        int length = filter.length + (v5 ? 1 : 0) + payload.length;
        out.write(0x30);
        out.write(length); // < 128 for the short filters tests use
        out.write(filter);
        if (v5) {
            out.write(0x00); // properties length
        }
        out.write(payload);
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropAll();
    }
}
