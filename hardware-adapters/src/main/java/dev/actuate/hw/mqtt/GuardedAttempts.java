package dev.actuate.hw.mqtt;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What {@link PahoV3Client} and {@link PahoV5Client} share around Paho's two clients, whose APIs are
 * separate types of the same shape: the current connect attempt's {@link ConnectGuard} and the waits
 * on it, the wait for a closed connection's threads, and a token seen as a {@link PahoClient.Op}. The
 * version-specific operations come in as functional parameters; each client keeps its own Paho
 * subclass and {@code NetworkModule} wrapper.
 */
final class GuardedAttempts {
    /** A module's start: throws the Paho version's MqttException as well as IOException. */
    interface Start {
        void start() throws Exception;
    }

    /** A module's stop. */
    interface Stop {
        void stop() throws IOException;
    }

    private volatile ConnectGuard current;

    /** The single module Paho made for {@code address}; anything else is a bug here. */
    static <M> M onlyModule(M[] modules, String address) {
        // One broker URL per client (MqttLinkOptions), so one module and one connect thread per attempt.
        if (modules.length != 1) {
            throw new IllegalStateException("expected one network module for " + address + ", got " + modules.length);
        }
        return modules[0];
    }

    /** A guard for the attempt Paho is about to start, made the current one. */
    ConnectGuard next() {
        ConnectGuard g = new ConnectGuard();
        current = g;
        return g;
    }

    /** The wrapped module's start and stop, as the guard runs them. */
    static ConnectGuard.Socket socket(Start start, Stop stop) {
        return new ConnectGuard.Socket() {
            @Override
            public void start() throws Exception {
                start.start();
            }

            @Override
            public void stop() throws IOException {
                stop.stop();
            }
        };
    }

    /** The connect was refused before a connect thread started (already connecting, disconnecting, closed). */
    void abandon() {
        ConnectGuard g = current;
        if (g != null) {
            g.abandon();
        }
    }

    /** {@link PahoClient#awaitConnectThreadDone}: true at once if no connect was ever made. */
    boolean awaitSettled(long deadlineNanos) throws InterruptedException {
        ConnectGuard g = current;
        return g == null || g.awaitSettled(deadlineNanos);
    }

    /** {@link PahoClient#nudgeConnect}. */
    void nudge() {
        ConnectGuard g = current;
        if (g != null) {
            g.nudge();
        }
    }

    /**
     * {@link PahoClient#awaitDisconnected}: polls {@code disconnectedOrClosed} (Paho's comms state) until
     * true, then waits for the connection's threads ({@link ConnectGuard#awaitConnectionThreadsEnded},
     * which runs {@code wakeSender} at every poll); false if the deadline passed first.
     */
    static boolean awaitDisconnected(Object blocker, BooleanSupplier disconnectedOrClosed, String clientId,
                                     long deadlineNanos, Runnable wakeSender) {
        while (!disconnectedOrClosed.getAsBoolean()) {
            if (deadlineNanos - System.nanoTime() <= 0) {
                return false;
            }
            LockSupport.parkNanos(blocker, 5_000_000L);
        }
        return ConnectGuard.awaitConnectionThreadsEnded(clientId, deadlineNanos, wakeSender);
    }

    /**
     * {@link PahoClient#awaitReadyToConnect}: {@code awaitDisconnected} (the client's own), then, when Paho is
     * disconnected (not closed) and has connected before, {@code emptyQueues}. Before the first connect there
     * is nothing to wait for or empty (the v3 client creates its send queue at its first connect).
     */
    boolean awaitReadyToConnect(BooleanSupplier awaitDisconnected, BooleanSupplier disconnected, Runnable emptyQueues) {
        if (current == null) {
            return true;
        }
        if (!awaitDisconnected.getAsBoolean()) {
            return false;
        }
        if (disconnected.getAsBoolean()) {
            emptyQueues.run();
        }
        return true;
    }

    /** A Paho token as an {@link PahoClient.Op}: {@code isComplete} and {@code exception} are the token's. */
    static <E extends Exception> PahoClient.Op op(BooleanSupplier isComplete, Supplier<E> exception,
                                                  Function<E, PahoClient.Failure> translate) {
        return new PahoClient.Op() {
            @Override
            public boolean done() {
                return isComplete.getAsBoolean() && exception.get() == null;
            }

            @Override
            public PahoClient.Failure failure() {
                // A failed token never reports isComplete(); it carries its exception instead.
                E e = exception.get();
                return e == null ? null : translate.apply(e);
            }
        };
    }

    /** A Paho exception's message with its cause's, for {@link PahoClient.Failure}. */
    static String describe(Exception e) {
        Throwable c = e.getCause();
        return c == null ? e.getMessage() : e.getMessage() + " (" + c.getClass().getSimpleName() + ": " + c.getMessage() + ")";
    }
}
