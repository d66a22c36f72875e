package dev.actuate.hw.robot;

import java.util.Arrays;

/** Round-trip samples in microseconds, summarised exactly (sorted) at the end of a run. */
public final class LatencyStats {
    private long[] samples = new long[1024];
    private int n;

    public synchronized void add(long micros) {
        if (n == samples.length) {
            samples = Arrays.copyOf(samples, n * 2);
        }
        samples[n++] = micros;
    }

    public synchronized Summary summary() {
        if (n == 0) {
            return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        double sum = 0;
        for (long v : s) {
            sum += v;
        }
        return new Summary(n, pct(s, 0.50) / 1000.0, pct(s, 0.99) / 1000.0, s[n - 1] / 1000.0, sum / n / 1000.0);
    }

    /** Nearest-rank percentile. */
    private static long pct(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** Milliseconds. */
    public record Summary(int count, double p50Ms, double p99Ms, double maxMs, double meanMs) {
        @Override
        public String toString() {
            return count == 0 ? "no samples" : String.format("n=%d p50=%.3f ms p99=%.3f ms max=%.3f ms mean=%.3f ms",
                    count, p50Ms, p99Ms, maxMs, meanMs);
        }
    }
}
