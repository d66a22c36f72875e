package dev.actuate.cli;

import dev.actuate.runtime.ControlLoop;
import dev.actuate.runtime.LoopSession;
import dev.actuate.runtime.safety.SafetyCounters;

import java.io.PrintStream;

/** Shared text for the runtime commands' end-of-run reports. */
final class Reports {
    private Reports() {
    }

    static void printLoop(PrintStream out, ControlLoop loop, SafetyCounters counters) {
        LoopSession.printReport(out, loop, counters);
    }

    /** e.g. {@code WATCHDOG=3 CLIPPED=10}, or {@code none}. */
    static String safetyLine(SafetyCounters counters) {
        return LoopSession.safetyLine(counters);
    }
}
