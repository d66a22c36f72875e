package dev.actuate.runtime.safety;

/** Fires when there is no state yet or the newest one is older than the timeout. */
public final class Watchdog {
    private final long timeoutMicros;

    public Watchdog(double timeoutSeconds) {
        if (!(timeoutSeconds > 0)) {
            throw new IllegalArgumentException("state timeout must be positive, got " + timeoutSeconds);
        }
        this.timeoutMicros = Math.round(timeoutSeconds * 1e6);
    }

    public boolean expired(boolean haveState, long stateAgeMicros) {
        return !haveState || stateAgeMicros > timeoutMicros;
    }

    public long timeoutMicros() {
        return timeoutMicros;
    }
}
