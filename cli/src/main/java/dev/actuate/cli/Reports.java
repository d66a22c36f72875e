package dev.actuate.cli;

import dev.actuate.runtime.ControlLoop;
import dev.actuate.runtime.LoopSession;
import dev.actuate.runtime.safety.SafetyCounters;

import java.io.PrintStream;
import java.util.StringJoiner;

/** Shared text for the runtime commands' end-of-run reports. */
final class Reports {
    private Reports() {
    }

    static void printLoop(PrintStream out, ControlLoop loop, SafetyCounters counters) {
        LoopSession.printReport(out, loop, counters);
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
        return LoopSession.safetyLine(counters);
    }
}
