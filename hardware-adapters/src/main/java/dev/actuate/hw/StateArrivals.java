package dev.actuate.hw;

import java.util.concurrent.locks.LockSupport;

/**
 * The arrival counter and parked waiter behind {@link StateSignal}: the receiving thread calls
 * {@link #signal()}, the control thread parks until {@link #count()} changes. A wake-up that
 * races with parking is never lost: {@code unpark} before {@code park} leaves a permit, and the
 * waiter re-checks the count before it parks.
 */
public final class StateArrivals implements StateSignal {
    private volatile long count;
    private volatile Thread waiter;

    /** Counts one arrival and wakes the waiter; any thread, allocation-free. */
    public void signal() {
        synchronized (this) {
            count++; // a single writer is usual, but the mock is driven from test threads too
        }
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    public long count() {
        return count;
    }

    @Override
    public long stateArrivals() {
        return count;
    }

    @Override
    public void stateWaiter(Thread t) {
        waiter = t;
    }
}
