package dev.actuate.hw;

/**
 * An adapter that can receive emergency-stop requests from outside the controller (for MQTT, the
 * {@code actuate/<robot>/estop} topic). The counters only grow; the runtime's safety layer latches
 * when {@link #estopRequests()} changes and releases only when {@link #estopResets()} changes after it.
 * Counters rather than a flag, so a stop-then-reset pair arriving between two control cycles is not lost.
 */
public interface EstopSource {
    /** How many stop requests arrived. */
    long estopRequests();

    /** How many reset requests arrived. */
    long estopResets();
}
