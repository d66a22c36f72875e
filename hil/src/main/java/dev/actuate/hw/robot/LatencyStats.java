package dev.actuate.hw.robot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Round-trip samples in microseconds, summarised exactly (sorted) at the end of a run. Each sample
 * may carry when its state was sent and how long the command's leg back took, so the slowest
 * cycles can be explained afterwards ({@link #slowest}).
 */
public final class LatencyStats {
    private long[] samples = new long[1024];
    private long[] sentAt = new long[1024];
    private long[] commandLeg = new long[1024];
    private int n;

    public synchronized void add(long micros) {
        add(micros, Long.MIN_VALUE, Long.MIN_VALUE);
    }

    /**
     * @param stateSentMicros   wall-clock send time of the state this round trip started with, or {@code Long.MIN_VALUE}
     * @param commandLegMicros  command receipt minus the controller's send stamp, or {@code Long.MIN_VALUE}
     */
    public synchronized void add(long micros, long stateSentMicros, long commandLegMicros) {
        if (n == samples.length) {
            samples = Arrays.copyOf(samples, n * 2);
            sentAt = Arrays.copyOf(sentAt, n * 2);
            commandLeg = Arrays.copyOf(commandLeg, n * 2);
        }
        sentAt[n] = stateSentMicros;
        commandLeg[n] = commandLegMicros;
        samples[n++] = micros;
    }

    public synchronized Summary summary() {
        if (n == 0) {
            return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        double sum = 0;
        for (long v : s) {
            sum += v;
        }
        return new Summary(n, pct(s, 0.50) / 1000.0, pct(s, 0.99) / 1000.0, pct(s, 0.999) / 1000.0, s[n - 1] / 1000.0,
                sum / n / 1000.0);
    }

    /** A slow round trip: when its state was sent (wall clock), how long it took and the command leg's share. */
    public record Sample(long stateSentMicros, long micros, long commandLegMicros) {
    }

    /** The {@code k} slowest samples, slowest first. */
    public synchronized List<Sample> slowest(int k) {
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Long.compare(samples[b], samples[a]));
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, n); i++) {
            int j = idx[i];
            out.add(new Sample(sentAt[j], samples[j], commandLeg[j]));
        }
        return out;
    }

    /** Nearest-rank percentile. */
    private static long pct(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** Milliseconds. */
    public record Summary(int count, double p50Ms, double p99Ms, double p999Ms, double maxMs, double meanMs) {
        @Override
        public String toString() {
            return count == 0 ? "no samples" : String.format("n=%d p50=%.3f ms p99=%.3f ms p99.9=%.3f ms max=%.3f ms mean=%.3f ms",
                    count, p50Ms, p99Ms, p999Ms, maxMs, meanMs);
        }
    }
}
