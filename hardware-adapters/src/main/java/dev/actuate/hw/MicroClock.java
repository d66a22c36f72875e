package dev.actuate.hw;

/**
 * Wall-clock microseconds for frame timestamps, with {@link System#nanoTime()} resolution:
 * {@code System.currentTimeMillis()} is too coarse for sub-millisecond latencies, and
 * {@code Instant.now()} allocates. Anchored once per JVM, so two processes on one machine agree
 * to within the millisecond the anchor is taken at.
 */
public final class MicroClock {
    private static final long ANCHOR_NANOS = System.nanoTime();
    private static final long ANCHOR_MICROS = System.currentTimeMillis() * 1000L;

    private MicroClock() {
    }

    /** Microseconds since the epoch. */
    public static long nowMicros() {
        return ANCHOR_MICROS + (System.nanoTime() - ANCHOR_NANOS) / 1000L;
    }
}
