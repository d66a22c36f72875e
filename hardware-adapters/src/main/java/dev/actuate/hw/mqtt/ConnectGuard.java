package dev.actuate.hw.mqtt;

import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * One connection attempt's socket streams, with reads held until the client's first write: what
 * makes Paho's connect thread safe to interrupt, in both its v3 and v5 clients.
 *
 * <p>Why: in Paho 1.2.5 (the last release of both the mqttv3 and the mqttv5 client) the connect
 * thread ("MQTT Con: id") opens the socket, then starts the receiver, sender and callback threads
 * one by one, each time polling {@code while (!isRunning()) sleep(100)}. If the connection is shut
 * down inside that window, the thread being waited for stops before it was ever seen running and
 * the connect thread polls for the life of the JVM. Two things shut it down there: a broker that
 * dies just after accepting TCP (the receiver's first read fails at once and it shuts the
 * connection down), and a forced disconnect by the caller. Paho fixed this on its development
 * branch after 1.2.5, unreleased. {@code MqttLinkTest} reproduces it for both clients.
 *
 * <p>The guard closes both: every read waits until the client has written its first byte, the
 * CONNECT packet, which the connect thread queues only after all three threads run (an MQTT broker
 * sends nothing before CONNECT, so no data is delayed); and {@link #awaitSettled} tells the caller
 * when a forced disconnect is safe. Each client wraps its Paho {@code NetworkModule} (the two
 * versions' interfaces are identical but distinct types) and routes start, stop and the streams
 * through this class ({@link PahoV3Client}, {@link PahoV5Client}).
 */
final class ConnectGuard {
    private enum Phase {
        /** Created for a connect; the connect thread has not opened the socket yet. */
        NEW,
        /** The connect thread is opening the socket (TCP connect, TLS handshake). */
        OPENING,
        /** Open; the connect thread is starting Paho's receiver, sender and callback threads. */
        OPEN,
        /** The first byte was written: the connect thread is done. */
        WRITTEN,
        /** Opening failed, or the connect was refused: the connect thread is done or never ran. */
        FAILED,
        /** Paho closed the socket. */
        STOPPED
    }

    /** The wrapped module's start and stop (Paho's two NetworkModule types declare different exceptions). */
    interface Socket {
        void start() throws Exception;

        void stop() throws IOException;
    }

    private Phase phase = Phase.NEW;
    /** The thread opening the socket: Paho's connect thread. */
    private volatile Thread connectThread;
    /** Fast path for every read and write after the handshake: true once phase is past OPEN. */
    private volatile boolean settled;

    private synchronized void advance(Phase from, Phase to) {
        if (from == null || phase == from) {
            phase = to;
            if (to.compareTo(Phase.OPEN) > 0) {
                settled = true;
                notifyAll();
            }
        }
    }

    /** The connect was refused before its connect thread started. */
    void abandon() {
        advance(Phase.NEW, Phase.FAILED);
    }

    /** Waits until the connect thread is done with its start-up; false if the deadline passed first. */
    synchronized boolean awaitSettled(long deadlineNanos) throws InterruptedException {
        while (!settled) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Holds a read until the connect thread is done; the read then sees what the socket has. */
    private void awaitSettledForRead() {
        if (settled) {
            return;
        }
        synchronized (this) {
            boolean interrupted = false;
            while (!settled) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Cuts short the connect thread's start-up polling: after opening the socket it starts the
     * receiver, sender and callback threads, each followed by {@code while (!isRunning()) sleep(100)}.
     * The new thread is rarely running at the first check, so every connect slept about 300 ms (a
     * reconnect took ~330 ms however briefly the broker was gone). Paho's loop catches the
     * interruption and checks again; nothing else the connect thread does before CONNECT is
     * interruptible, and only a sleeping ({@code TIMED_WAITING}) connect thread in that phase is
     * interrupted. Called by the thread waiting for the connect, every millisecond or so.
     */
    synchronized void nudge() {
        Thread t = connectThread;
        if (phase == Phase.OPEN && t != null && t.getState() == Thread.State.TIMED_WAITING) {
            t.interrupt();
        }
    }

    /** Runs the module's start; {@code E} is the Paho version's MqttException. */
    @SuppressWarnings("unchecked")
    <E extends Exception> void start(Socket socket) throws IOException, E {
        connectThread = Thread.currentThread();
        advance(Phase.NEW, Phase.OPENING);
        try {
            socket.start();
        } catch (Exception e) {
            advance(null, Phase.FAILED);
            if (e instanceof IOException io) {
                throw io;
            }
            throw (E) e; // a RuntimeException or the version's MqttException, as the module declared
        }
        advance(Phase.OPENING, Phase.OPEN);
    }

    void stop(Socket socket) throws IOException {
        try {
            socket.stop();
        } finally {
            advance(null, Phase.STOPPED);
        }
    }

    InputStream input(InputStream in) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                awaitSettledForRead();
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                awaitSettledForRead();
                return in.read(b, off, len);
            }

            @Override
            public int available() throws IOException {
                return settled ? in.available() : 0;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    OutputStream output(OutputStream out) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                written();
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written();
                out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    private void written() {
        if (!settled) {
            advance(Phase.OPEN, Phase.WRITTEN);
        }
    }

    /**
     * Waits until the receiver, sender and callback threads of {@code clientId}'s last connection have
     * ended (Paho names them "MQTT Rec: id", "MQTT Snd: id", "MQTT Call: id"); false if the deadline
     * passed first. Why: Paho reuses one callback object across connects and its {@code start()}
     * starts a thread only if the previous one has fully stopped, then polls until one runs. A
     * connection shut down from its own callback thread reports "disconnected" before that thread
     * has ended; a connect made in that gap polled forever (seen once in the chaos tests, MQTT 5,
     * after connects got faster with {@link #nudge()}).
     *
     * <p>{@code wakeSender} runs at every poll: Paho's sender thread waits in {@code ClientState.get()}
     * for work, and checks whether the client is still connected only after that wait. Shutdown notifies it
     * once ({@code CommsSender.stop()} sets the stop flag, notifies the queue lock and returns); a sender
     * that was still writing (a re-subscribe or status right after a reconnect, then the connection lost)
     * enters the wait after that notification and waits forever, "MQTT Snd" parked in {@code get()} (seen
     * once in {@code MqttLinkTest}, MQTT 3.1.1). Notifying again once the client is disconnected lets it
     * see that and end.
     */
    static boolean awaitConnectionThreadsEnded(String clientId, long deadlineNanos, Runnable wakeSender) {
        Set<String> names = Set.of("MQTT Rec: " + clientId, "MQTT Snd: " + clientId, "MQTT Call: " + clientId);
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        while (true) {
            Thread[] all = new Thread[root.activeCount() + 32];
            int n = root.enumerate(all, true);
            boolean alive = false;
            for (int i = 0; i < n && !alive; i++) {
                alive = all[i] != Thread.currentThread() && all[i].isAlive() && names.contains(all[i].getName());
            }
            if (!alive) {
                return true;
            }
            wakeSender.run();
            if (deadlineNanos - System.nanoTime() <= 0) {
                for (int i = 0; i < n; i++) {
                    if (names.contains(all[i].getName()) && all[i].isAlive()) {
                        StackTraceElement[] at = all[i].getStackTrace();
                        LoggerFactory.getLogger(ConnectGuard.class).warn("Paho thread {} still alive at {}", all[i].getName(),
                                Arrays.toString(Arrays.copyOf(at, Math.min(8, at.length))));
                    }
                }
                return false;
            }
            LockSupport.parkNanos(2_000_000L);
        }
    }
}
