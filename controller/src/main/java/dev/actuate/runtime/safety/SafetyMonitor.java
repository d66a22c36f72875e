package dev.actuate.runtime.safety;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs safety events off the control thread: once per interval, one line per kind whose count
 * rose, so a watchdog firing at 1 kHz produces one line a second, not a thousand, and the control
 * thread only increments counters.
 */
public final class SafetyMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SafetyMonitor.class);
    private static final SafetyEvent[] EVENTS = SafetyEvent.values();

    private final SafetyCounters counters;
    private final long intervalMillis;
    private final long[] lastSeen = new long[EVENTS.length];
    private final Thread thread;
    private volatile boolean running = true;

    public SafetyMonitor(SafetyCounters counters, long intervalMillis) {
        this.counters = counters;
        this.intervalMillis = intervalMillis;
        this.thread = new Thread(this::run, "actuate-safety-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                break;
            }
            logDeltas();
        }
        logDeltas();
    }

    /** Logs what rose since the last call; returns the number of lines logged. */
    synchronized int logDeltas() {
        int lines = 0;
        for (SafetyEvent e : EVENTS) {
            long now = counters.get(e);
            long delta = now - lastSeen[e.ordinal()];
            if (delta > 0) {
                lastSeen[e.ordinal()] = now;
                lines++;
                if (e == SafetyEvent.CLIPPED || e == SafetyEvent.RATE_LIMITED) {
                    LOG.debug("safety: {} x{} (total {})", e, delta, now);
                } else {
                    LOG.warn("safety: {} x{} (total {})", e, delta, now);
                }
            }
        }
        return lines;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
