package dev.actuate.algo;

import java.util.function.LongSupplier;

/**
 * Env steps per second between two metrics rows, the off-policy {@code steps_per_sec} column: wall time, so it
 * counts the env, the updates and the logging alike.
 */
final class StepRate {
    private final LongSupplier nanoClock;
    private long lastStep;
    private long lastNanos;

    /** Measures from {@code step}, now. */
    StepRate(long step) {
        this(step, System::nanoTime);
    }

    StepRate(long step, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.lastStep = step;
        this.lastNanos = nanoClock.getAsLong();
    }

    /** Steps per second from the last call (or the start) to {@code step}, now; the next call measures from here. */
    double next(long step) {
        long now = nanoClock.getAsLong();
        double rate = (step - lastStep) / Math.max(1e-9, (now - lastNanos) / 1e9);
        lastStep = step;
        lastNanos = now;
        return rate;
    }
}
