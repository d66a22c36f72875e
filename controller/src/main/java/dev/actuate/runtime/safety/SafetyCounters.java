package dev.actuate.runtime.safety;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Per-kind event counts: written by the control thread without allocation, read by any thread. */
public final class SafetyCounters {
    private static final SafetyEvent[] EVENTS = SafetyEvent.values();
    private final AtomicLongArray counts = new AtomicLongArray(EVENTS.length);

    public void increment(SafetyEvent e) {
        counts.incrementAndGet(e.ordinal());
    }

    public long get(SafetyEvent e) {
        return counts.get(e.ordinal());
    }

    public long total() {
        long t = 0;
        for (int i = 0; i < EVENTS.length; i++) {
            t += counts.get(i);
        }
        return t;
    }

    /** A copy for reports (allocates; not for the control thread). */
    public Map<SafetyEvent, Long> snapshot() {
        Map<SafetyEvent, Long> m = new EnumMap<>(SafetyEvent.class);
        for (SafetyEvent e : EVENTS) {
            m.put(e, get(e));
        }
        return m;
    }
}
