package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.MqttVersion;

import java.util.function.BiConsumer;

/**
 * The client calls {@link MqttLink} makes, over Paho's v3 client ({@link PahoV3Client}) or its v5
 * client ({@link PahoV5Client}). Everything else (reconnect loop, presence, the I/O thread, the
 * connect-thread guard's use) is the link's and shared. Operations return at once; the link waits
 * on the returned {@link Op} with its own deadlines. Paho's exceptions are translated into
 * {@link Failure}, so the link never sees a version's types.
 */
interface PahoClient {
    /** An operation in flight. */
    interface Op {
        /** Completed successfully. */
        boolean done();

        /** Why it failed, or null (still running, or done). */
        Failure failure();
    }

    /** A failed client call, with what the link needs to decide what to do. */
    final class Failure extends Exception {
        enum Reason {
            /** Credentials refused or not authorised. */
            AUTHENTICATION,
            /** No TCP/TLS connection, or none within the timeout. */
            UNREACHABLE,
            /** The broker does not speak this MQTT version (Moquette refuses MQTT 5). */
            UNSUPPORTED_VERSION,
            /** The link gave up waiting (closing, or its own deadline). */
            GAVE_UP,
            OTHER
        }

        private final Reason reason;

        Failure(Reason reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        Reason reason() {
            return reason;
        }
    }

    MqttVersion version();

    /**
     * Starts a connect; {@code wake} runs when it completes or fails. {@code resumeSession}: ask the
     * broker to keep the session it holds for this client id (MQTT 5 with a session expiry; ignored otherwise).
     */
    Op connect(boolean resumeSession, Runnable wake) throws Failure;

    Op subscribe(String filter, int qos, BiConsumer<String, byte[]> handler, Runnable wake) throws Failure;

    void unsubscribe(String filter) throws Failure;

    /** {@code expirySeconds}: MQTT 5 message expiry, 0 = none (always none in 3.1.1). */
    Op publish(String topic, byte[] payload, int qos, boolean retained, long expirySeconds) throws Failure;

    /** A clean DISCONNECT after up to {@code quiesceMs} for in-flight work; it ends the session (MQTT 5). */
    Op disconnect(long quiesceMs) throws Failure;

    /** Drops the connection without DISCONNECT (the broker fires the Will); waits for nothing. */
    void dropConnection() throws Failure;

    boolean isConnected();

    /** Connected or connecting by Paho's own state: a forced disconnect is needed to end its threads. */
    boolean connectingOrConnected();

    /**
     * Waits until the last connect attempt's connect thread has finished its start-up; false if the
     * deadline passed first. Only then may a forced disconnect run without leaking that thread ({@link ConnectGuard}).
     */
    boolean awaitConnectThreadDone(long deadlineNanos) throws InterruptedException;

    /** Shortens the connect thread's start-up polling ({@link ConnectGuard#nudge()}); call while waiting for a connect. */
    void nudgeConnect();

    /** Polls Paho's state until it is disconnected (or closed); false if the deadline passed first. */
    boolean awaitDisconnected(long deadlineNanos);

    /**
     * Before every connect: {@link #awaitDisconnected}, then empties Paho's send queues; false if the
     * deadline passed first, and then a connect would hang. Why: Paho 1.2.5 reports a lost connection
     * "disconnected" before that connection's callback thread has ended ({@code CommsCallback.stop()}
     * does not wait for it). A connect made while it still ran a handler found it running, started no
     * callback thread, and its connect thread polled {@code CommsCallback.start} for the life of the JVM.
     * The late thread can also queue a packet (a PUBACK) after the shutdown emptied the queues; the next
     * connection's sender found it, ended before it was seen running, and the connect thread polled
     * {@code CommsSender.start} forever. Both were seen in the fault tests ({@code MqttLinkTest} reproduces
     * the first; {@code PahoClientReconnectTest} the second).
     */
    boolean awaitReadyToConnect(long deadlineNanos);

    /** Releases the client's resources (it must be disconnected). */
    void close() throws Failure;
}
