package dev.actuate.runtime;

import dev.actuate.hw.StateSignal;

/** A loop clock that only moves when told: sleeping jumps to the deadline, work advances it explicitly. */
final class FakeClock implements LoopClock {
    long t = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return t;
    }

    @Override
    public long nowMicros() {
        return t / 1000;
    }

    @Override
    public void sleepUntil(long deadlineNanos) {
        if (deadlineNanos > t) {
            t = deadlineNanos;
        }
    }

    /** Nothing else runs while the loop waits: a state is either there already or the deadline is reached. */
    @Override
    public boolean awaitState(StateSignal signal, long seen, long deadlineNanos) {
        if (signal.stateArrivals() != seen) {
            return true;
        }
        sleepUntil(deadlineNanos);
        return false;
    }

    void advanceMillis(double ms) {
        t += Math.round(ms * 1e6);
    }
}
