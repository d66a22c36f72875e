package dev.actuate.hw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injecting TCP proxy on 127.0.0.1 for network chaos tests (this kernel has no netem and
 * Toxiproxy is not packaged): clients connect to {@link #port()}, each connection is forwarded to
 * the target port. Every forwarded chunk waits {@code delay ± jitter} (seeded), {@link #stall}
 * holds all traffic for a while (TCP sees loss and retransmits), {@link #blackout} holds traffic
 * and refuses new connections, and {@link #cutAll} closes every connection as a broken link would.
 */
public final class ChaosProxy implements AutoCloseable {
    private final int targetPort;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> pumps = new CopyOnWriteArrayList<>();
    private final SplittableRandom random;
    private final long delayNanos;
    private final long jitterNanos;
    private volatile long holdUntilNanos;
    private volatile long refuseUntilNanos;
    private volatile boolean closed;
    private final AtomicLong chunks = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    private ChaosProxy(int targetPort, long delayMicros, long jitterMicros, long seed) throws IOException {
        this.targetPort = targetPort;
        this.delayNanos = delayMicros * 1000;
        this.jitterNanos = jitterMicros * 1000;
        this.random = new SplittableRandom(seed);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "chaos-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy to {@code 127.0.0.1:targetPort} adding {@code delayMicros ± jitterMicros} per chunk (uniform, seeded). */
    public static ChaosProxy start(int targetPort, long delayMicros, long jitterMicros, long seed) {
        try {
            return new ChaosProxy(targetPort, delayMicros, jitterMicros, seed);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open the chaos proxy", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code tcp://127.0.0.1:<port>}. */
    public String url() {
        return "tcp://127.0.0.1:" + port();
    }

    /** Holds every byte in both directions for {@code millis} (connections stay open). */
    public void stall(long millis) {
        holdUntilNanos = System.nanoTime() + millis * 1_000_000L;
    }

    /** Holds all traffic and refuses new connections for {@code millis}. */
    public void blackout(long millis) {
        long until = System.nanoTime() + millis * 1_000_000L;
        refuseUntilNanos = until;
        holdUntilNanos = until;
    }

    /** Whether a stall or blackout is in force. */
    public boolean holding() {
        return System.nanoTime() - holdUntilNanos < 0;
    }

    /** Closes every open connection (both sides see a reset or EOF). */
    public void cutAll() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    /** Chunks forwarded so far. */
    public long chunks() {
        return chunks.get();
    }

    /** Connections refused during blackouts. */
    public long refused() {
        return refused.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (System.nanoTime() - refuseUntilNanos < 0) {
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, "up");
                pump(upstream, client, "down");
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to, String dir) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    waitOut();
                    out.write(buf, 0, n);
                    out.flush();
                    chunks.incrementAndGet();
                }
            } catch (IOException e) {
                // cut, closed, or the other side went away: end the pair
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
                pumps.remove(Thread.currentThread());
            }
        }, "chaos-proxy-" + dir + "-" + port());
        t.setDaemon(true);
        pumps.add(t);
        t.start();
    }

    /** The per-chunk delay, then any stall or blackout still in force. */
    private void waitOut() {
        long d;
        synchronized (random) {
            d = delayNanos + (jitterNanos == 0 ? 0 : random.nextLong(-jitterNanos, jitterNanos + 1));
        }
        sleepNanos(d);
        long hold;
        while (!closed && (hold = holdUntilNanos - System.nanoTime()) > 0) {
            sleepNanos(Math.min(hold, 10_000_000L));
        }
    }

    private static void sleepNanos(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Stops accepting, cuts every connection and waits for the forwarding threads to end. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        cutAll();
        try {
            acceptor.join(5000);
            for (Thread t : pumps) {
                t.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
