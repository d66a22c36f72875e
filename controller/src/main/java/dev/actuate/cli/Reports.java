package dev.actuate.cli;

import dev.actuate.runtime.ControlLoop;
import dev.actuate.runtime.safety.SafetyCounters;
import dev.actuate.runtime.safety.SafetyEvent;

import java.io.PrintStream;
import java.util.StringJoiner;

/** Shared text for the runtime commands' end-of-run reports. */
final class Reports {
    private Reports() {
    }

    static void printLoop(PrintStream out, ControlLoop loop, SafetyCounters counters) {
        loop.metrics().print(out);
        out.println("safety events: " + safetyLine(counters) + " (stopped: " + loop.stopReason() + ")");
    }

    /** e.g. {@code [-12.50, 230.10]}. */
    static String returns(double[] r) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (double v : r) {
            j.add(String.format(java.util.Locale.ROOT, "%.2f", v));
        }
        return j.toString();
    }

    /** e.g. {@code WATCHDOG=3 CLIPPED=10}, or {@code none}. */
    static String safetyLine(SafetyCounters counters) {
        StringJoiner j = new StringJoiner(" ");
        for (SafetyEvent e : SafetyEvent.values()) {
            long n = counters.get(e);
            if (n > 0) {
                j.add(e + "=" + n);
            }
        }
        return j.length() == 0 ? "none" : j.toString();
    }
}
