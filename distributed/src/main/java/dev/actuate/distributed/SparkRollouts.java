package dev.actuate.distributed;

import dev.actuate.algo.RolloutChunk;
import dev.actuate.algo.RolloutRequest;
import dev.actuate.algo.RolloutWorker;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * On-policy rollouts (PPO, TRPO, A2C) as Spark jobs: each iteration broadcasts the learner's {@link RolloutRequest} and runs one task
 * per worker, which steps its slice of the envs ({@code n_envs / workers}, contiguous) and returns a
 * {@link RolloutChunk}. Tasks are stateless, so a worker's envs live in a per-JVM cache keyed by run and
 * partition: in {@code local[N]} that is the driver's JVM; on a cluster a partition must come back to the same
 * executor, and a worker that finds its envs missing (a moved or retried task) fails the run by name.
 */
public final class SparkRollouts implements Function<RolloutRequest, List<RolloutChunk>>, AutoCloseable {
    /** Every rollout worker of this JVM, by run id and partition. */
    private static final Map<String, RolloutWorker> WORKERS = new ConcurrentHashMap<>();

    /** What an executor needs to build a worker the first time it sees a partition. */
    record Spec(String runId, String envId, long seed, RolloutWorker.Setup setup, int workers) implements Serializable {
        RolloutWorker worker(int partition) {
            return WORKERS.computeIfAbsent(runId + "/" + partition, k -> {
                int per = setup.nEnvs() / workers;
                return new RolloutWorker(setup, envId, seed, partition * per, per);
            });
        }
    }

    /** One iteration's costs on the driver, in seconds; overhead is what distribution added to the workers' time. */
    public record Timing(long iteration, double rolloutSeconds, double slowestWorkerSeconds, double slowestWorkerEnvSeconds,
                         double broadcastSeconds, long requestBytes, long resultBytes) {
        public double overheadSeconds() {
            return rolloutSeconds - slowestWorkerSeconds;
        }
    }

    private final JavaSparkContext sc;
    private final Spec spec;
    private final List<Integer> partitions = new ArrayList<>();
    private final List<Timing> timings = new ArrayList<>();

    /** @throws IllegalArgumentException when {@code workers} does not divide the config's {@code n_envs} */
    public SparkRollouts(JavaSparkContext sc, RolloutWorker.Setup cfg, String envId, long seed, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
        }
        if (cfg.nEnvs() % workers != 0) {
            throw new IllegalArgumentException("--workers " + workers + " must divide n_envs " + cfg.nEnvs()
                    + " (each worker steps n_envs / workers envs)");
        }
        this.sc = sc;
        this.spec = new Spec(UUID.randomUUID().toString(), envId, seed, cfg, workers);
        for (int p = 0; p < workers; p++) {
            partitions.add(p);
        }
    }

    @Override
    public List<RolloutChunk> apply(RolloutRequest req) {
        long t0 = System.nanoTime();
        Broadcast<RolloutRequest> b = sc.broadcast(req);
        long t1 = System.nanoTime();
        Spec s = spec;
        sc.setJobDescription("rollout " + req.iteration());
        List<RolloutChunk> chunks = sc.parallelize(partitions, partitions.size())
                .map(p -> s.worker(p).collect(b.value())).collect();
        long t2 = System.nanoTime();
        b.destroy();
        RolloutChunk slowest = chunks.stream().max(java.util.Comparator.comparingLong(RolloutChunk::computeNanos))
                .orElseThrow();
        long bytes = 4L * (req.policyMean().length + req.logStd().length + req.value().length)
                + (req.obsMean() == null ? 0 : 16L * req.obsMean().length);
        long back = chunks.stream().mapToLong(RolloutChunk::payloadBytes).sum();
        timings.add(new Timing(req.iteration(), (t2 - t0) / 1e9, slowest.computeNanos() / 1e9,
                slowest.envNanos() / 1e9, (t1 - t0) / 1e9, bytes, back));
        return chunks;
    }

    /** Each iteration's costs so far. */
    public List<Timing> timings() {
        return List.copyOf(timings);
    }

    /** Closes and forgets this run's workers on every executor that holds one. */
    @Override
    public void close() {
        String prefix = spec.runId() + "/";
        sc.parallelize(partitions, partitions.size()).foreach(p -> {
            RolloutWorker w = WORKERS.remove(prefix + p);
            if (w != null) {
                w.close();
            }
        });
    }
}
