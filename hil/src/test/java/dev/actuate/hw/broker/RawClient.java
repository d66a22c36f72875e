package dev.actuate.hw.broker;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A bare TCP client writing hand-made MQTT bytes: for what no client library would send. */
final class RawClient implements AutoCloseable {
    final Socket socket;
    private final InputStream in;

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
    }

    /** A packet as read: type and flags nibbles, then the rest after the remaining length. */
    record Packet(int type, int flags, byte[] body) {
    }

    static byte[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 2];
        out[0] = (byte) (b.length >> 8);
        out[1] = (byte) b.length;
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }

    static byte[] packet(int first, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first);
        int n = body.size();
        do {
            int d = n & 0x7F;
            n >>>= 7;
            out.write(n > 0 ? d | 0x80 : d);
        } while (n > 0);
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /** CONNECT, clean session, keep-alive {@code keepAlive}; with a QoS 1 will when {@code willTopic} is set. */
    static byte[] connect(int level, String id, int keepAlive, String willTopic, String willPayload) {
        int flags = 0x02 | (willTopic != null ? 0x04 | 0x08 : 0);
        byte[] props = level == 5 ? new byte[] {0} : new byte[0];
        byte[] will = new byte[0];
        if (willTopic != null) {
            will = concat(props, str(willTopic), str(willPayload));
        }
        return packet(0x10, str("MQTT"), new byte[] {(byte) level, (byte) flags, (byte) (keepAlive >> 8), (byte) keepAlive},
                props, str(id), will);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    Packet read() throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("closed");
        }
        int len = 0;
        for (int i = 0; ; i++) {
            int d = in.read();
            if (d < 0) {
                throw new EOFException("closed inside a header");
            }
            len |= (d & 0x7F) << (7 * i);
            if ((d & 0x80) == 0) {
                break;
            }
        }
        byte[] body = in.readNBytes(len);
        return new Packet(first >> 4, first & 0xF, body);
    }

    /** True once the broker has closed the connection (reads to end of stream, skipping any last packets). */
    boolean closedByBroker() throws IOException {
        try {
            while (in.read() >= 0) {
                // a DISCONNECT may come first
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
