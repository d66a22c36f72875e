package dev.actuate.runtime.safety;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A latched emergency stop: once tripped (from any thread: the robot's e-stop topic, a key, a
 * test) it stays latched until {@link #reset()} is called explicitly; nothing clears it by itself.
 */
public final class EStop {
    private volatile boolean latched;
    private final AtomicLong trips = new AtomicLong();

    public void trip() {
        if (!latched) {
            trips.incrementAndGet();
        }
        latched = true;
    }

    public void reset() {
        latched = false;
    }

    public boolean latched() {
        return latched;
    }

    /** Times it went from clear to latched. */
    public long trips() {
        return trips.get();
    }
}
