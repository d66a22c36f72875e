package dev.actuate.algo;

import dev.actuate.sim.Envs;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.MetricsCsv;
import dev.actuate.train.Provenance;
import dev.actuate.train.RunDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * A training run's directory bookkeeping, shared by every algorithm: the config and provenance when it opens, one
 * {@code metrics.csv} row per logged iteration or interval (column {@code iteration} counts rows, so a resumed run
 * keeps exactly the rows up to its checkpoint), and at each row's end the checkpoint when due, the final model and
 * the curve (refreshed at most every 10 s, and at a stop and the end). Without a run directory it does nothing.
 */
final class RunLog implements AutoCloseable {
    /** Writes a checkpoint to a file (an off-policy one may put its replay buffer beside it). */
    interface CheckpointWriter {
        void write(Path file) throws IOException;
    }

    private final RunDir run;
    private final MetricsCsv metrics;
    private final String title;
    private final Double threshold;
    private long lastCurveNanos = System.nanoTime();

    /** Writes {@code config} and {@code provenance} into {@code run} and opens its metrics at {@code keepRows}. */
    RunLog(RunDir run, Record config, Provenance provenance, List<String> columns, long keepRows, String algorithm,
           String envId, long seed) throws IOException {
        this.run = run;
        if (run != null) {
            run.writeConfig(config);
            run.writeProvenance(provenance);
        }
        this.metrics = run == null ? null : run.metrics(columns, keepRows);
        this.title = algorithm + " " + envId + " seed " + seed;
        this.threshold = Envs.spec(envId).rewardThreshold();
    }

    void row(double... values) throws IOException {
        if (metrics != null) {
            metrics.append(values);
        }
    }

    /**
     * After a row: the checkpoint when {@code due}, at a {@code stop} and at the {@code last} row, the final model
     * at the last, then the curve.
     */
    void save(boolean due, boolean last, boolean stop, CheckpointWriter checkpoint, Supplier<Checkpoint> model)
            throws IOException {
        if (run != null) {
            if (due || last || stop) {
                checkpoint.write(run.checkpoint());
            }
            if (last) {
                PolicyExport.write(model.get(), run.model());
            }
        }
        curve(last || stop);
    }

    private void curve(boolean force) throws IOException {
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
