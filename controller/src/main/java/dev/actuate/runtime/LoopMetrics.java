package dev.actuate.runtime;

import dev.actuate.io.AtomicFiles;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The loop's latency histograms, preallocated (HdrHistogram, 3 significant digits, up to 10 s;
 * larger values are clamped) so recording allocates nothing. All values are nanoseconds.
 * <ul>
 *   <li>{@code period_error}: how late each cycle started after its absolute deadline (periodic
 *       trigger; with the state trigger only the cycles that timed out waiting for a state have a deadline);</li>
 *   <li>{@code compute}: read → policy → safety → write, per cycle;</li>
 *   <li>{@code state_age}: local time minus the newest state's receive time, per cycle, measured
 *       after the read (with the state trigger: the wake-up latency);</li>
 *   <li>{@code round_trip}: in-process adapters: read → write in the loop. Native MQTT adapter:
 *       the robot's state send stamp → the first command answering it handed to the MQTT client on the I/O thread
 *       (the controller's side; the robot's own state send → command receipt adds the command's
 *       transport and is reported by the robot). Other adapters: empty unless reported through
 *       {@link #recordRoundTrip} (any thread);</li>
 *   <li>{@code overrun}: by how much an overrunning cycle ended past the next deadline.</li>
 * </ul>
 * Histograms other than {@code round_trip} are written by the control thread only; read them after
 * the loop stopped.
 */
public final class LoopMetrics {
    static final long MAX_NANOS = 10_000_000_000L;

    private final Histogram periodError = newHistogram();
    private final Histogram compute = newHistogram();
    private final Histogram stateAge = newHistogram();
    private final Histogram overrun = newHistogram();
    private final SynchronizedHistogram roundTrip = new SynchronizedHistogram(MAX_NANOS, 3);
    private volatile long cycles;
    private volatile long overruns;
    private volatile long missedCycles;
    private volatile long stateTimeouts;
    /** Loop-clock times of the latest state timeouts: a ring the control thread writes without allocating. */
    private final long[] timeoutNanos = new long[256];

    private static Histogram newHistogram() {
        return new Histogram(MAX_NANOS, 3);
    }

    private static long clamp(long nanos) {
        return nanos < 0 ? 0 : Math.min(nanos, MAX_NANOS);
    }

    void recordCycle(long lateNanos, long computeNanos) {
        periodError.recordValue(clamp(lateNanos));
        compute.recordValue(clamp(computeNanos));
        cycles++;
    }

    /** A cycle without a deadline (started by a state arrival): compute only. */
    void recordCompute(long computeNanos) {
        compute.recordValue(clamp(computeNanos));
        cycles++;
    }

    /** State trigger: no state arrived by the deadline; a missed cycle, at {@code atNanos} on the loop's clock. */
    void recordStateTimeout(long atNanos) {
        timeoutNanos[(int) (stateTimeouts % timeoutNanos.length)] = atNanos;
        stateTimeouts++;
        missedCycles++;
    }

    void recordStateAge(long nanos) {
        stateAge.recordValue(clamp(nanos));
    }

    void recordOverrun(long pastDeadlineNanos, long missed) {
        overrun.recordValue(clamp(pastDeadlineNanos));
        overruns++;
        missedCycles += missed;
    }

    /** Records one round trip; thread-safe, for adapters or robots that measure it themselves. */
    public void recordRoundTrip(long nanos) {
        roundTrip.recordValue(clamp(nanos));
    }

    public long cycles() {
        return cycles;
    }

    /** Cycles that ended after the next cycle's deadline. */
    public long overruns() {
        return overruns;
    }

    /** Deadlines skipped because of overruns (ros2_control's "missed cycles"), plus state timeouts. */
    public long missedCycles() {
        return missedCycles;
    }

    /** State trigger: deadlines reached without a fresh state (included in {@link #missedCycles()}). */
    public long stateTimeouts() {
        return stateTimeouts;
    }

    /**
     * When the latest state timeouts happened (the loop clock's nanoseconds, {@link System#nanoTime} for the real
     * clock; at most 256, oldest first), to match them with what else happened then; read after the loop stopped.
     */
    public long[] recentStateTimeoutNanos() {
        long total = stateTimeouts;
        int n = (int) Math.min(total, timeoutNanos.length);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = timeoutNanos[(int) ((total - n + i) % timeoutNanos.length)];
        }
        return out;
    }

    /** p50/p99/max of one histogram, in microseconds. */
    public record Summary(String name, long count, double p50Micros, double p99Micros, double maxMicros, double meanMicros) {
    }

    public List<Summary> summaries() {
        List<Summary> out = new ArrayList<>();
        out.add(summary("period_error", periodError));
        out.add(summary("compute", compute));
        out.add(summary("state_age", stateAge));
        out.add(summary("round_trip", roundTrip.copy()));
        out.add(summary("overrun", overrun));
        return out;
    }

    public Summary summary(String name) {
        return summaries().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no metric " + name));
    }

    private static Summary summary(String name, Histogram h) {
        long n = h.getTotalCount();
        if (n == 0) {
            return new Summary(name, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Summary(name, n, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getMaxValue() / 1e3, h.getMean() / 1e3);
    }

    /** Prints p50/p99/max per metric and the counters. */
    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "%-13s %9s %11s %11s %11s%n", "metric", "count", "p50 us", "p99 us", "max us");
        for (Summary s : summaries()) {
            out.printf(Locale.ROOT, "%-13s %9d %11.1f %11.1f %11.1f%n", s.name(), s.count(), s.p50Micros(),
                    s.p99Micros(), s.maxMicros());
        }
        out.printf(Locale.ROOT, "cycles %d, overruns %d, missed cycles %d (of which state timeouts %d)%n", cycles,
                overruns, missedCycles, stateTimeouts);
        out.println("  period_error: cycle start - its deadline; compute: read..write; state_age: now - state receipt;");
        out.println("  round_trip: in-process read..write, native MQTT robot state stamp -> command handed to the client"
                + " (docs/runtime.md)");
    }

    /** Writes the summaries and counters as CSV, atomically (temp file, then rename). */
    public void writeCsv(Path file) {
        StringBuilder sb = new StringBuilder("metric,count,p50_us,p99_us,max_us,mean_us\n");
        for (Summary s : summaries()) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%.3f,%.3f,%.3f,%.3f%n", s.name(), s.count(), s.p50Micros(),
                    s.p99Micros(), s.maxMicros(), s.meanMicros()));
        }
        sb.append("cycles,").append(cycles).append(",,,,\n");
        sb.append("overruns,").append(overruns).append(",,,,\n");
        sb.append("missed_cycles,").append(missedCycles).append(",,,,\n");
        sb.append("state_timeouts,").append(stateTimeouts).append(",,,,\n");
        try {
            AtomicFiles.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("metrics CSV: " + e.getMessage(), e); // the message names the file
        }
    }
}
