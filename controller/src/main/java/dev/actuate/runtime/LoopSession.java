package dev.actuate.runtime;

import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.mqtt.ControllerStatus;
import dev.actuate.hw.mqtt.MappedMqttAdapter;
import dev.actuate.hw.mqtt.NativeMqttAdapter;
import dev.actuate.runtime.safety.SafetyCounters;
import dev.actuate.runtime.safety.SafetyEvent;
import dev.actuate.runtime.safety.SafetyMonitor;

import java.io.PrintStream;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * One run of a control loop against its hardware, ros2_control's lifecycle around it: configure, activate,
 * run until the duration ends or the loop stops itself (episodes, adapter failure), stop, deactivate, close.
 * Shared by {@code actuate run} and the robot launcher {@code actuate-controller run}.
 */
public final class LoopSession {
    private LoopSession() {
    }

    /**
     * Runs {@code loop} on {@code hw} (closed afterwards); safety counts are logged once a second meanwhile.
     *
     * @param durationSeconds wall-clock limit, or 0 or less for none (the loop must stop itself)
     */
    public static void run(HardwareInterface hw, ControlLoop loop, SafetyCounters counters, double durationSeconds)
            throws Exception {
        try (hw; SafetyMonitor monitor = new SafetyMonitor(counters, 1000)) {
            hw.configure();
            hw.activate();
            loop.start();
            long deadline = durationSeconds > 0 ? System.nanoTime() + (long) (durationSeconds * 1e9) : Long.MAX_VALUE;
            while (System.nanoTime() < deadline && !loop.join(50)) {
                // waiting for the duration or the loop's own stop (episodes, adapter failure)
            }
            loop.stop();
            loop.join(5000);
            if (hw.lifecycleState() == LifecycleState.ACTIVE) {
                hw.deactivate();
            }
        }
    }

    /** The end-of-run report: loop metrics, then the safety events and why the loop stopped. */
    public static void printReport(PrintStream out, ControlLoop loop, SafetyCounters counters) {
        loop.metrics().print(out);
        out.println("safety events: " + safetyLine(counters) + " (stopped: " + loop.stopReason() + ")");
    }

    /** e.g. {@code WATCHDOG=3 CLIPPED=10}, or {@code none}. */
    public static String safetyLine(SafetyCounters counters) {
        StringJoiner j = new StringJoiner(" ");
        for (SafetyEvent e : SafetyEvent.values()) {
            long n = counters.get(e);
            if (n > 0) {
                j.add(e + "=" + n);
            }
        }
        return j.length() == 0 ? "none" : j.toString();
    }

    /** What the link dropped or lost: malformed frames, and for the native adapter a takeover. */
    public static void printLink(PrintStream out, HardwareInterface hw) {
        if (hw instanceof NativeMqttAdapter n) {
            out.printf(Locale.ROOT, "state frames: %d received, %d malformed dropped, %d lost in transport (%d episode ends)%n",
                    n.framesReceived(), n.rejectedFrames(), n.framesLost(), n.episodeEndsLost());
            if (n.takenOverBy() != 0) {
                out.println("stopped: another controller took this robot over ("
                        + (n.takenOverBy() > 0 ? "session " + ControllerStatus.hex(n.takenOverBy()) : "no session id") + ")");
            }
        } else if (hw instanceof MappedMqttAdapter m) {
            out.printf(Locale.ROOT, "state messages: %d received, %d malformed dropped%n", m.messagesReceived(), m.rejectedPayloads());
        }
    }
}
