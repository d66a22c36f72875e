package dev.actuate.hw.mqtt;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.internal.NetworkModule;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.locks.LockSupport;

/**
 * Paho's v3 client with its connect thread made safe to interrupt.
 *
 * <p>Why: in Paho 1.2.5 (the last mqttv3 release) the connect thread ("MQTT Con: id") opens the
 * socket, then starts the receiver, sender and callback threads one by one, each time polling
 * {@code while (!isRunning()) sleep(100)}. If the connection is shut down inside that window,
 * the thread being waited for stops before it was ever seen running and the connect thread polls
 * for the life of the JVM. Two things shut it down there: a broker that dies just after
 * accepting TCP (the receiver's first read fails at once and it shuts the connection down), and
 * a forced disconnect by the caller. Paho fixed this on its development branch after 1.2.5,
 * unreleased.
 *
 * <p>The guard closes both: every read of a connection waits until the client has written its
 * first byte, the CONNECT packet, which the connect thread queues only after all three threads
 * run (an MQTT broker sends nothing before CONNECT, so no data is delayed); and
 * {@link #awaitConnectThreadDone} tells the caller when a forced disconnect is safe.
 * It relies on Paho's {@code createNetworkModules} hook and {@code NetworkModule} interface,
 * both stable across the 1.2.x line.
 */
final class GuardedMqttClient extends MqttAsyncClient {
    private volatile GuardedModule current;

    GuardedMqttClient(String brokerUrl, String clientId) throws MqttException {
        super(brokerUrl, clientId, new MemoryPersistence());
    }

    @Override
    protected NetworkModule[] createNetworkModules(String address, MqttConnectOptions options) throws MqttException {
        NetworkModule[] modules = super.createNetworkModules(address, options);
        // One broker URL per client (MqttLinkOptions), so one module and one connect thread per attempt.
        if (modules.length != 1) {
            throw new IllegalStateException("expected one network module for " + address + ", got " + modules.length);
        }
        GuardedModule m = new GuardedModule(modules[0]);
        current = m;
        return new NetworkModule[] {m};
    }

    @Override
    public IMqttToken connect(MqttConnectOptions options, Object userContext, IMqttActionListener callback)
            throws MqttException {
        try {
            return super.connect(options, userContext, callback);
        } catch (MqttException | RuntimeException e) {
            // Refused before a connect thread started (already connecting, disconnecting, closed).
            GuardedModule m = current;
            if (m != null) {
                m.abandon();
            }
            throw e;
        }
    }

    /**
     * Waits until the last connect attempt's connect thread has finished its start-up (it wrote
     * CONNECT, failed to open the socket, or the connection was stopped); returns false if the
     * deadline passed first. Only then may the caller force a disconnect without leaking that thread.
     */
    boolean awaitConnectThreadDone(long deadlineNanos) throws InterruptedException {
        GuardedModule m = current;
        return m == null || m.awaitSettled(deadlineNanos);
    }

    /** Polls Paho's state until it is disconnected (or closed); false if the deadline passed first. */
    boolean awaitDisconnected(long deadlineNanos) {
        while (!(comms.isDisconnected() || comms.isClosed())) {
            if (deadlineNanos - System.nanoTime() <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, 5_000_000L);
        }
        return true;
    }

    /**
     * Connected or connecting by Paho's own state: a forced disconnect is needed to end its threads
     * (a disconnect already under way ends them by itself).
     */
    boolean connectingOrConnected() {
        return comms.isConnecting() || comms.isConnected();
    }

    /** One connection attempt's socket, with reads held until the client's first write. */
    private static final class GuardedModule implements NetworkModule {
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

        private final NetworkModule delegate;
        private Phase phase = Phase.NEW;
        /** Fast path for every read and write after the handshake: true once phase is past OPEN. */
        private volatile boolean settled;

        GuardedModule(NetworkModule delegate) {
            this.delegate = delegate;
        }

        private synchronized void advance(Phase from, Phase to) {
            if (from == null || phase == from) {
                phase = to;
                if (to.compareTo(Phase.OPEN) > 0) {
                    settled = true;
                    notifyAll();
                }
            }
        }

        void abandon() {
            advance(Phase.NEW, Phase.FAILED);
        }

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

        @Override
        public void start() throws IOException, MqttException {
            advance(Phase.NEW, Phase.OPENING);
            try {
                delegate.start();
            } catch (IOException | MqttException | RuntimeException e) {
                advance(null, Phase.FAILED);
                throw e;
            }
            advance(Phase.OPENING, Phase.OPEN);
        }

        @Override
        public InputStream getInputStream() throws IOException {
            InputStream in = delegate.getInputStream();
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

        @Override
        public OutputStream getOutputStream() throws IOException {
            OutputStream out = delegate.getOutputStream();
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

        @Override
        public void stop() throws IOException {
            try {
                delegate.stop();
            } finally {
                advance(null, Phase.STOPPED);
            }
        }

        @Override
        public String getServerURI() {
            return delegate.getServerURI();
        }
    }
}
