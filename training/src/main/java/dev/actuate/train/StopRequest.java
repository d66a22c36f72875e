package dev.actuate.train;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGINT and SIGTERM during training into a stop at the training loop's next safe point (between
 * updates), where it writes a checkpoint, instead of an exit that loses everything since the last periodic
 * one. The signal handler only sets a flag; the loop polls it, checkpoints and returns, and the command exits
 * normally. The wait is bounded: if training has not returned {@code waitMillis} after the signal, or on a
 * second signal, the JVM halts and the last complete checkpoint stays (checkpoint writes are atomic).
 *
 * <p>A signal handler rather than a shutdown hook: during JVM shutdown, libraries refuse new hooks
 * (ImageIO's stream closer, for one, throws "Shutdown in progress" while the curve is drawn), so a
 * checkpoint written from inside shutdown is not reliable.
 */
public final class StopRequest implements AutoCloseable {
    private static final String[] SIGNALS = {"INT", "TERM"};

    private volatile boolean requested;
    private volatile int exitCode;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private StopRequest() {
    }

    /** Handles SIGINT and SIGTERM until {@link #close}, which restores the previous handlers. */
    public static StopRequest onSignals(PrintStream err, long waitMillis) {
        StopRequest s = new StopRequest();
        for (String name : SIGNALS) {
            Signal signal = new Signal(name);
            s.previous.put(signal, Signal.handle(signal, sig -> s.signalled(sig, err, waitMillis)));
        }
        return s;
    }

    private void signalled(Signal sig, PrintStream err, long waitMillis) {
        int code = 128 + sig.getNumber();
        if (requested) {
            err.println("actuate train: second " + sig.getName() + ": exiting now, without a new checkpoint");
            Runtime.getRuntime().halt(code);
        }
        exitCode = code;
        requested = true;
        err.println();
        err.println("actuate train: SIG" + sig.getName() + ": stopping at the next safe point to write a checkpoint "
                + "(up to " + waitMillis / 1000 + " s; signal again to exit at once)");
        err.flush();
        Thread watchdog = new Thread(() -> {
            try {
                if (!stopped.await(waitMillis, TimeUnit.MILLISECONDS)) {
                    err.println("actuate train: no checkpoint within " + waitMillis / 1000
                            + " s; exiting with the last periodic checkpoint");
                    Runtime.getRuntime().halt(code);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "actuate-train-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Whether a stop was requested; the training loop polls this at its safe points. */
    public boolean requested() {
        return requested;
    }

    /** The conventional exit code of the signal that requested the stop (130 SIGINT, 143 SIGTERM), else 0. */
    public int exitCode() {
        return exitCode;
    }

    /** Training has returned: ends the watchdog's wait and restores the previous signal handlers. */
    @Override
    public void close() {
        stopped.countDown();
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
