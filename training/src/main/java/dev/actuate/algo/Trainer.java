package dev.actuate.algo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.List;

/**
 * What the CLI needs from an algorithm: train into a run directory, and measure training throughput.
 * The only abstraction level above the algorithm classes; each implementation is thin glue that
 * loads the algorithm's config record and drives its {@code train} loop.
 */
public interface Trainer {
    /**
     * @param envId      registered env id
     * @param configFile YAML over the algorithm's defaults, or null for the defaults
     * @param steps      total env steps overriding the config, or null
     * @param seed       the one seed of the run
     * @param envs       parallel envs overriding the config, or null
     * @param out        run directory
     * @param resume     continue the checkpoint in {@code out} (config, seed and envs come from it)
     * @param quiet      no progress output
     * @param stop       polled at safe points between updates: true stops training there with a checkpoint
     * @param threads    the cores this run may keep busy, or null for the defaults (off-policy: two learner
     *                   threads on a 2+ core machine; on-policy: one env thread per env up to the cores). Off-policy
     *                   runs use min(2, threads) learner threads, on-policy runs min(n_envs, threads) env threads;
     *                   neither changes the results. A sweep sets it so that concurrent trials share the cores.
     */
    record TrainRequest(String envId, Path configFile, Long steps, long seed, Integer envs, Path out, boolean resume,
                        boolean quiet, BooleanSupplier stop, Integer threads) {
        public TrainRequest {
            if (threads != null && threads < 1) {
                throw new IllegalArgumentException("threads must be positive, got " + threads);
            }
        }

        /** With the default threads. */
        public TrainRequest(String envId, Path configFile, Long steps, long seed, Integer envs, Path out,
                            boolean resume, boolean quiet, BooleanSupplier stop) {
            this(envId, configFile, steps, seed, envs, out, resume, quiet, stop, null);
        }
    }

    /**
     * Where training ended: {@code globalStep} of {@code totalSteps} (the steps it trains, PPO's rounded up to
     * whole rollouts); {@code finished} when it wrote the final model rather than stopping early. The threads the
     * run used: {@code learnerThreads} for the updates (off-policy 1 or 2, on-policy 1), {@code envThreads}
     * stepping the envs (off-policy 1).
     */
    record Outcome(long globalStep, long totalSteps, boolean finished, int learnerThreads, int envThreads) {
    }

    /**
     * Steady-state training throughput, env steps per second, after a warm-up. {@code processCpuSeconds} and
     * {@code threadCpuSeconds} are the CPU time of the whole JVM (BLAS/OpenMP threads and GC included) and of
     * the training thread over the timed window (NaN where not measured): on a shared machine, CPU time per
     * step compares variants better than wall time.
     */
    record BenchResult(String algorithm, String envId, int envs, long steps, double seconds, double stepsPerSec,
                       double processCpuSeconds, double threadCpuSeconds, List<Integer> hiddenSizes, int batchSize,
                       int learnerThreads, UpdateBench update) {
        public BenchResult(String algorithm, String envId, int envs, long steps, double seconds, double stepsPerSec,
                           double processCpuSeconds, double threadCpuSeconds, List<Integer> hiddenSizes, int batchSize,
                           int learnerThreads) {
            this(algorithm, envId, envs, steps, seconds, stepsPerSec, processCpuSeconds, threadCpuSeconds, hiddenSizes,
                    batchSize, learnerThreads, null);
        }
    }

    /**
     * On-policy update cost over the timed iterations: each field of {@code median} is that field's median over
     * the {@code iterations} updates. For TRPO, {@code ppoEpochMs} is the median time of one PPO epoch on the
     * same rollout (same env, envs, steps per env and networks; PPO's default minibatch 64), measured in the same
     * process right after; NaN otherwise.
     */
    record UpdateBench(UpdateCost median, int iterations, double ppoEpochMs) {
    }

    /**
     * What to benchmark.
     *
     * @param net            hidden widths overriding the config's networks, or null for the config's
     * @param learnerThreads off-policy learner threads (1 or 2), or null for the default
     */
    record BenchRequest(String envId, Path configFile, Integer envs, long seed, double seconds, List<Integer> net,
                        Integer learnerThreads) {
    }

    Outcome train(TrainRequest request) throws IOException;

    /** Trains with the env's config for about {@code seconds} after warm-up and reports the rate. */
    BenchResult bench(BenchRequest request) throws IOException;
}
