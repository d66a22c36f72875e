package dev.actuate.algo;

import dev.actuate.sim.Envs;
import dev.actuate.train.MetricsCsv;
import dev.actuate.train.RunDir;

import java.io.IOException;
import java.util.List;

/**
 * The metrics side of an off-policy run directory: one {@code metrics.csv} row per {@code log_interval} env
 * steps (column {@code iteration} counts rows, so a resumed run keeps exactly the rows up to its checkpoint)
 * and the curve, refreshed at most every 10 s and at the end. Without a run directory it does nothing.
 */
final class RunLog implements AutoCloseable {
    private final RunDir run;
    private final MetricsCsv metrics;
    private final String title;
    private final Double threshold;
    private long lastCurveNanos = System.nanoTime();

    RunLog(RunDir run, List<String> columns, long keepRows, String algorithm, String envId, long seed)
            throws IOException {
        this.run = run;
        this.metrics = run == null ? null : run.metrics(columns, keepRows);
        this.title = algorithm + " " + envId + " seed " + seed;
        this.threshold = Envs.spec(envId).rewardThreshold();
    }

    void row(double... values) throws IOException {
        if (metrics != null) {
            metrics.append(values);
        }
    }

    void curve(boolean force) throws IOException {
        if (run != null && (force || System.nanoTime() - lastCurveNanos > 10_000_000_000L)) {
            run.refreshCurve(title, threshold);
            lastCurveNanos = System.nanoTime();
        }
    }

    @Override
    public void close() throws IOException {
        if (metrics != null) {
            metrics.close();
        }
    }
}
