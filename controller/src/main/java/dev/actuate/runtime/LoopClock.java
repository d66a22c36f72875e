package dev.actuate.runtime;

import dev.actuate.hw.StateSignal;
import dev.actuate.hw.mqtt.MicroClock;

import java.util.concurrent.locks.LockSupport;

/** Time for the control loop; tests substitute a fake one so overrun accounting is exact. */
public interface LoopClock {
    /** Monotonic nanoseconds, for deadlines. */
    long nanoTime();

    /** Wall-clock microseconds, comparable with {@link dev.actuate.hw.StateSample} timestamps. */
    long nowMicros();

    /** Returns at or just after {@code deadlineNanos}. */
    void sleepUntil(long deadlineNanos);

    /**
     * Parks until {@code signal}'s arrival count differs from {@code seen} (the adapter unparks the
     * waiter) or the deadline passes; returns whether a state arrived. Allocation-free.
     */
    default boolean awaitState(StateSignal signal, long seen, long deadlineNanos) {
        while (signal.stateArrivals() == seen) {
            long left = deadlineNanos - nanoTime();
            if (left <= 0) {
                return signal.stateArrivals() != seen;
            }
            LockSupport.parkNanos(left);
        }
        return true;
    }

    /** The system clock: parks until {@code spinNanos} before the deadline, then spins. */
    static LoopClock system(long spinNanos) {
        return new LoopClock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public long nowMicros() {
                return MicroClock.nowMicros();
            }

            @Override
            public void sleepUntil(long deadlineNanos) {
                long left;
                // parkNanos wakes up late by tens of microseconds; spinning the last stretch buys precision.
                while ((left = deadlineNanos - System.nanoTime()) > spinNanos) {
                    LockSupport.parkNanos(left - spinNanos);
                }
                while (System.nanoTime() - deadlineNanos < 0) {
                    Thread.onSpinWait();
                }
            }
        };
    }

    /** Spins the last 100 µs. */
    LoopClock SYSTEM = system(100_000);
}
