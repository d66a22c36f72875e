package dev.actuate.distributed;

import dev.actuate.algo.RolloutChunk;
import dev.actuate.algo.RolloutRequest;
import dev.actuate.algo.RolloutWorker;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * On-policy rollouts (PPO, TRPO, A2C) as Spark jobs: each iteration broadcasts the learner's {@link RolloutRequest}
 * and runs one task per worker, which steps its slice of the envs ({@code n_envs / workers}, contiguous) and returns
 * a {@link RolloutChunk}. Tasks are stateless, so a worker's envs live in a per-JVM cache keyed by run and partition.
 *
 * <p>On a cluster a partition's task must come back to the executor that holds its envs, which {@code parallelize}
 * does not arrange. The first iteration's tasks report where they ran ({@link #here}); every later iteration's RDD
 * is built with {@code makeRDD} over (partition, that executor) preferred locations, in the
 * {@code executor_<host>_<executorId>} form Spark reads as an executor-cache location, and {@link #conf} makes
 * the scheduler wait for that executor. A task that runs anywhere else finds no worker there and fails with "its
 * envs were lost" rather than starting fresh envs (Spark may retry it, on the right executor or to the same end).
 * Under {@code local[N]} every task runs in the driver's JVM (executor "driver") and the same code applies.
 */
public final class SparkRollouts implements Function<RolloutRequest, List<RolloutChunk>>, AutoCloseable {
    /** Every rollout worker of this JVM, by run id and partition. */
    private static final Map<String, RolloutWorker> WORKERS = new ConcurrentHashMap<>();

    /** What an executor needs to build a worker the first time it sees a partition. */
    record Spec(String runId, String envId, long seed, RolloutWorker.Setup setup, int workers) implements Serializable {
        /**
         * This JVM's worker for {@code partition}, created for the first iteration only: a later iteration that
         * finds none ran on an executor that never held these envs (the one that did is gone, or was passed over).
         */
        RolloutWorker worker(int partition, long iteration) {
            String key = runId + "/" + partition;
            if (iteration > 0 && !WORKERS.containsKey(key)) {
                throw new IllegalStateException("rollout worker " + partition + " (envs [" + first(partition) + ", "
                        + (first(partition) + setup.nEnvs() / workers) + ")) was asked for iteration " + iteration
                        + " on " + here() + ", which does not hold them: its envs were lost (their executor is gone, "
                        + "or the task ran elsewhere)");
            }
            return WORKERS.computeIfAbsent(key, k -> new RolloutWorker(setup, envId, seed, first(partition),
                    setup.nEnvs() / workers));
        }

        private int first(int partition) {
            return partition * (setup.nEnvs() / workers);
        }
    }

    /** A worker's chunk, the executor that stepped it (as a Spark task location) and the task's attempt number. */
    record Placed(RolloutChunk chunk, String location, int attempt) implements Serializable {
    }

    /**
     * The Spark settings a dtrain run adds to {@code conf}: the scheduler waits (an hour, unless set) for a
     * partition's own executor rather than run its task elsewhere, the first rollout waits (up to Spark's 30 s)
     * for every requested executor so the workers spread over them, and no dynamic allocation (it would remove
     * executors idle during the update, and their envs with them).
     */
    static SparkConf conf(SparkConf conf) {
        return conf.setIfMissing("spark.locality.wait", "1h")
                .setIfMissing("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                .set("spark.dynamicAllocation.enabled", "false");
    }

    /** This JVM as a Spark task location: {@code executor_<host>_<executorId>} ("driver" in local mode). */
    static String here() {
        SparkEnv env = SparkEnv.get();
        return "executor_" + env.blockManager().blockManagerId().host() + "_" + env.executorId();
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
    /** Each partition's executor as a task location, from the first rollout on; null before it. */
    private List<String> locations;
    private final List<Timing> timings = new ArrayList<>();
    private int retriedTasks;

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
    }

    @Override
    public List<RolloutChunk> apply(RolloutRequest req) {
        long t0 = System.nanoTime();
        Broadcast<RolloutRequest> b = sc.broadcast(req);
        long t1 = System.nanoTime();
        Spec s = spec;
        sc.setJobDescription("rollout " + req.iteration());
        List<Placed> placed;
        try {
            placed = partitions().map(p -> new Placed(s.worker(p, b.value().iteration()).collect(b.value()), here(),
                    TaskContext.get().attemptNumber())).collect();
        } catch (Exception e) { // Spark's SparkException is checked, and thrown through collect() undeclared
            throw lost(e);
        }
        long t2 = System.nanoTime();
        b.destroy();
        if (locations == null) {
            locations = placed.stream().map(Placed::location).toList();
        }
        retriedTasks += (int) placed.stream().filter(p -> p.attempt() > 0).count();
        List<RolloutChunk> chunks = placed.stream().map(Placed::chunk).toList();
        RolloutChunk slowest = chunks.stream().max(java.util.Comparator.comparingLong(RolloutChunk::computeNanos))
                .orElseThrow();
        long bytes = 4L * (req.policyMean().length + req.logStd().length + req.value().length)
                + (req.obsMean() == null ? 0 : 16L * req.obsMean().length);
        long back = chunks.stream().mapToLong(RolloutChunk::payloadBytes).sum();
        timings.add(new Timing(req.iteration(), (t2 - t0) / 1e9, slowest.computeNanos() / 1e9,
                slowest.envNanos() / 1e9, (t1 - t0) / 1e9, bytes, back));
        return chunks;
    }

    /** Each partition's executor as recorded by the first rollout (empty before it). */
    public List<String> locations() {
        return locations == null ? List.of() : locations;
    }

    /**
     * Rollout tasks that succeeded only on a later attempt: on a cluster, a task first sent to an executor without
     * its envs (or a transient failure); 0 when every partition went straight back to its executor.
     */
    public int retriedTasks() {
        return retriedTasks;
    }

    /**
     * One element per worker, one partition each: before the first rollout without a preference, after it each
     * pinned to the executor that holds its envs.
     */
    private JavaRDD<Integer> partitions() {
        List<Tuple2<Integer, Seq<String>>> elements = new ArrayList<>();
        for (int p = 0; p < spec.workers(); p++) {
            List<String> where = locations == null ? List.of() : List.of(locations.get(p));
            elements.add(new Tuple2<>(p, CollectionConverters.asScala(where).toSeq()));
        }
        ClassTag<Integer> tag = ClassTag$.MODULE$.apply(Integer.class);
        return new JavaRDD<>(sc.sc().makeRDD(CollectionConverters.asScala(elements).toSeq(), tag), tag);
    }

    /** A failed rollout job as one clear line when a worker's envs were lost; anything else with its trace. */
    private static RuntimeException lost(Exception e) {
        String why = null;
        for (Throwable c = e; c != null && why == null; c = c.getCause()) {
            if (c instanceof IllegalStateException && String.valueOf(c.getMessage()).contains("envs were lost")) {
                why = c.getMessage();
            }
        }
        String m = String.valueOf(e.getMessage());
        int i = m.indexOf("rollout worker ");
        if (why == null && i >= 0 && m.contains("envs were lost")) { // the task's exception as Spark's text
            int end = m.indexOf('\n', i);
            why = m.substring(i, end < 0 ? m.length() : end);
        }
        if (why != null) {
            return new IllegalStateException(why + "; the run cannot go on with other envs", e);
        }
        return e instanceof RuntimeException r ? r : new RuntimeException(e);
    }

    /** Each iteration's costs so far. */
    public List<Timing> timings() {
        return List.copyOf(timings);
    }

    /** Closes and forgets this run's workers on every executor that holds one. */
    @Override
    public void close() {
        String prefix = spec.runId() + "/";
        partitions().foreach(p -> {
            RolloutWorker w = WORKERS.remove(prefix + p);
            if (w != null) {
                w.close();
            }
        });
    }
}
