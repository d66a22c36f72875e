package dev.actuate.hw.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** Parses {@code estop} payloads into stop/reset counters; anything else is rejected. */
final class EstopCounter {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong resets = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();

    void accept(byte[] payload) {
        String s = new String(payload, StandardCharsets.UTF_8).trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "stop", "1", "true" -> requests.incrementAndGet();
            case "reset", "0", "false" -> resets.incrementAndGet();
            case "" -> { } // clearing a retained estop message
            default -> rejected.incrementAndGet();
        }
    }
}
