package dev.actuate.hw.testing;

import java.util.function.BooleanSupplier;

/** Polling for a condition in tests that watch threads they do not own (brokers, Paho, the controller loop). */
public final class Await {
    private Await() {
    }

    /**
     * Polls {@code condition} every 5 ms until it holds; fails with "timed out waiting for {@code what}"
     * after {@code timeoutSeconds}. Throws {@link AssertionError} (what JUnit's {@code fail} throws a
     * subclass of) so this module needs no test framework.
     */
    public static void until(String what, long timeoutSeconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
