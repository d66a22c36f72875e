package dev.actuate.runtime;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.actuate.hw.mqtt.MicroClock;
import dev.actuate.hw.robot.LatencyStats;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Explains a run's slowest round trips afterwards: records the JVM's GC pauses (from the collectors'
 * JMX notifications) and, cyclictest style, every time a thread sleeping 1 ms woke up more than
 * {@value #LATE_MICROS} µs late (the process was not scheduled, or a non-GC safepoint stopped it).
 * A slow round trip that overlaps a GC pause is blamed on GC; else one overlapping a late wake-up on
 * scheduling; else on the broker and transport, split into the state leg (robot → broker →
 * controller, wake-up included) and the command leg (controller → broker → robot).
 *
 * <p>Costs one short wake-up per millisecond on a daemon thread; not for the robot side.
 */
public final class StallProbe implements AutoCloseable {
    static final long LATE_MICROS = 1_000;

    /** One slow round trip and its most likely cause. */
    public record SlowCycle(double atSeconds, double ms, String cause, String detail) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.2f ms at +%.2f s: %s (%s)", ms, atSeconds, cause, detail);
        }
    }

    private record Interval(long startMicros, long endMicros, String what) {
    }

    private final List<Interval> gcPauses = new ArrayList<>();
    private final List<Interval> lateWakeUps = new ArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onGc;
    private final long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final long startMicros = MicroClock.nowMicros();
    private final Thread sleeper;
    private volatile boolean running = true;

    public StallProbe() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(listener, null, null);
                emitters.add(e);
            }
        }
        sleeper = new Thread(this::sleepLoop, "actuate-stall-probe");
        sleeper.setDaemon(true);
        sleeper.start();
    }

    private void onGc(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        String name = info.getGcName();
        // ZGC's and G1's concurrent cycles run beside the application; only their pauses stop it.
        if (name.contains("Cycles") || name.contains("Concurrent")) {
            return;
        }
        long start = (jvmStartMillis + info.getGcInfo().getStartTime()) * 1000;
        long end = (jvmStartMillis + info.getGcInfo().getEndTime()) * 1000;
        gcPause(start, Math.max(end, start + 1000), name + ", " + info.getGcCause());
    }

    /** Records a GC pause (wall-clock microseconds); the JMX listener's path, open to tests. */
    void gcPause(long startMicros, long endMicros, String what) {
        synchronized (gcPauses) {
            gcPauses.add(new Interval(startMicros, endMicros, what));
        }
    }

    /** Records a wake-up due at {@code dueMicros} that came {@code lateMicros} late; the sleeper's path, open to tests. */
    void lateWakeUp(long dueMicros, long lateMicros) {
        synchronized (lateWakeUps) {
            lateWakeUps.add(new Interval(dueMicros, dueMicros + lateMicros, ""));
        }
    }

    private void sleepLoop() {
        while (running) {
            long due = MicroClock.nowMicros() + 1000;
            LockSupport.parkNanos(1_000_000);
            long late = MicroClock.nowMicros() - due;
            if (late > LATE_MICROS) {
                lateWakeUp(due, late);
            }
        }
    }

    /** GC pauses seen so far. */
    public int gcPauses() {
        synchronized (gcPauses) {
            return gcPauses.size();
        }
    }

    /**
     * GC pauses that started after {@code micros} ({@link MicroClock#nowMicros} time). Notifications arrive
     * asynchronously, so "pauses since" is decided by their times, not by when they were counted.
     */
    public int gcPausesStartingAfter(long micros) {
        synchronized (gcPauses) {
            int n = 0;
            for (Interval i : gcPauses) {
                n += i.startMicros() > micros ? 1 : 0;
            }
            return n;
        }
    }

    /** Names the likely cause of each of {@code slow} (times relative to this probe's start). */
    public List<SlowCycle> explain(List<LatencyStats.Sample> slow) {
        List<SlowCycle> out = new ArrayList<>();
        for (LatencyStats.Sample s : slow) {
            double ms = s.micros() / 1000.0;
            double at = s.stateSentMicros() == Long.MIN_VALUE ? Double.NaN : (s.stateSentMicros() - startMicros) / 1e6;
            long from = s.stateSentMicros();
            long to = from + s.micros();
            Interval gc = overlapping(gcPauses, from, to);
            Interval late = overlapping(lateWakeUps, from, to);
            if (gc != null) {
                out.add(new SlowCycle(at, ms, "GC", String.format(Locale.ROOT, "pause of %.0f ms: %s",
                        (gc.endMicros() - gc.startMicros()) / 1000.0, gc.what())));
            } else if (late != null) {
                out.add(new SlowCycle(at, ms, "scheduling", String.format(Locale.ROOT,
                        "a 1 ms sleeper woke %.1f ms late meanwhile: CPU contention or a non-GC safepoint",
                        (late.endMicros() - late.startMicros()) / 1000.0)));
            } else if (s.commandLegMicros() != Long.MIN_VALUE) {
                double cmd = s.commandLegMicros() / 1000.0;
                out.add(new SlowCycle(at, ms, "broker", String.format(Locale.ROOT,
                        "state leg incl. controller wake-up %.2f ms, command leg %.2f ms; no GC pause or late wake-up",
                        ms - cmd, cmd)));
            } else {
                out.add(new SlowCycle(at, ms, "broker", "no GC pause or late wake-up meanwhile"));
            }
        }
        return out;
    }

    private static Interval overlapping(List<Interval> list, long from, long to) {
        if (from == Long.MIN_VALUE) {
            return null;
        }
        synchronized (list) {
            Interval best = null;
            for (Interval i : list) {
                // GC times have millisecond resolution: allow 1 ms either side.
                if (i.startMicros() <= to + 1000 && i.endMicros() >= from - 1000
                        && (best == null || i.endMicros() - i.startMicros() > best.endMicros() - best.startMicros())) {
                    best = i;
                }
            }
            return best;
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(sleeper);
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (javax.management.ListenerNotFoundException ignored) {
                // already gone
            }
        }
        try {
            sleeper.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
