package dev.actuate.hw.mqtt;

import java.time.Instant;

/**
 * Microseconds since the Unix epoch with microsecond resolution and no allocation: the wall clock
 * is read once, then advanced by {@link System#nanoTime()}, so timestamps are monotonic within a
 * process. Frame timestamps use it on both sides of the link.
 */
public final class MicroClock {
    private static final long BASE_MICROS;
    private static final long BASE_NANOS;

    static {
        Instant now = Instant.now();
        BASE_NANOS = System.nanoTime();
        BASE_MICROS = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private MicroClock() {
    }

    public static long nowMicros() {
        return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1_000;
    }
}
