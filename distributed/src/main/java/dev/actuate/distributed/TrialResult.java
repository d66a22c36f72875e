package dev.actuate.distributed;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a trial's task sends back to the driver: the evaluation, the wall time inside the task and the run
 * directory's files (config, provenance, metrics, curve, model), which the driver writes under the sweep's
 * directory, and the threads training used ({@code learnerThreads} for the updates, {@code envThreads} stepping the
 * envs). {@code error} is non-null when the trial failed; then the scores are empty and the threads 0.
 */
public record TrialResult(Trial trial, double[] returns, double evalMean, double evalStd, double wallSeconds,
                          long globalStep, int learnerThreads, int envThreads, String executor,
                          TreeMap<String, byte[]> files, String error) implements Serializable {

    public boolean ok() {
        return error == null;
    }

    /** Bytes of the run directory's files: what crossed the network for this trial. */
    public long fileBytes() {
        return files.values().stream().mapToLong(b -> b.length).sum();
    }

    static TrialResult failed(Trial trial, double wallSeconds, String executor, String error) {
        return new TrialResult(trial, new double[0], Double.NaN, Double.NaN, wallSeconds, 0, 0, 0, executor,
                new TreeMap<>(), error);
    }

    /** The same result without the files (kept on disk by the driver, not in memory). */
    TrialResult withoutFiles() {
        return new TrialResult(trial, returns, evalMean, evalStd, wallSeconds, globalStep, learnerThreads, envThreads,
                executor, new TreeMap<>(Map.of()), error);
    }
}
