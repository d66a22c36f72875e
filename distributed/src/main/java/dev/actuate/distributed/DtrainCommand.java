package dev.actuate.distributed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.algo.Algorithm;
import dev.actuate.algo.DistributedRun;
import dev.actuate.cli.DefaultConfigs;
import dev.actuate.io.AtomicFiles;
import dev.actuate.sim.Envs;
import dev.actuate.train.ProgressBar;
import dev.actuate.train.RunDir;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code actuate dtrain}: an on-policy algorithm (PPO, TRPO, A2C) whose rollouts run as Spark tasks
 * ({@link SparkRollouts}) while this JVM, the driver, owns the learner. Writes a normal run directory plus
 * {@code rollouts.csv}, each iteration's cost of distribution.
 */
@Command(name = "dtrain", mixinStandardHelpOptions = true, description = {
        "Train PPO, TRPO or A2C with its rollouts on Spark: W workers (tasks) each",
        "step n_envs/W of the envs, kept alive across iterations, with the broadcast",
        "policy; this process runs the update. Without norm_obs the run is",
        "bit-identical to `actuate train` with the same config, seed and envs."})
public final class DtrainCommand implements Callable<Integer> {
    static final String TIMINGS = "rollouts.csv";

    @Option(names = "--algo", defaultValue = "ppo", description = "Algorithm: ppo, trpo or a2c (the on-policy ones; "
            + "default: ${DEFAULT-VALUE})")
    String algo;

    @Option(names = "--env", required = true, description = "Env id, e.g. BipedalWalker-v3")
    String env;

    @Option(names = "--config", description = "Config YAML (default configs/<algo>/<env>.yaml, else built-in defaults)")
    Path config;

    @Option(names = "--steps", description = "Total env steps (overrides n_timesteps; rounded up to whole rollouts)")
    Long steps;

    @Option(names = "--seed", defaultValue = "0", description = "The run's one seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--envs", description = "Parallel envs in all (overrides the config's n_envs)")
    Integer envs;

    @Option(names = {"--workers", "--rollout-workers"}, required = true, description = "Rollout workers (Spark "
            + "tasks); must divide n_envs. `actuate train --rollout-workers K` runs this command")
    int workers;

    @Option(names = "--master", description = "Spark master URL (default: spark.master when spark-submit set it, else "
            + "local[W], embedded)")
    String master;

    @Option(names = "--out", description = "Run directory (default runs/d<algo>-<env>-<seed>)")
    Path out;

    @Option(names = "--quiet", description = "No progress output")
    boolean quiet;

    @Option(names = "--json", description = "Print {\"algo\",\"steps\",\"seconds\",\"steps_per_sec\",\"overhead_ms_median\","
            + "\"partition_executors\",...} as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Algorithm algorithm = Algorithm.parse(algo);
        Envs.spec(env);
        if (steps != null && steps <= 0) {
            throw new IllegalArgumentException("--steps must be positive, got " + steps);
        }
        if (envs != null && envs <= 0) {
            throw new IllegalArgumentException("--envs must be positive, got " + envs);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
        }
        Path file = config != null ? config : DefaultConfigs.find(algorithm.id(), Envs.fileName(env));
        // The master given, else spark-submit's, else embedded with a task thread per worker.
        String m = master != null ? master : System.getProperty("spark.master", "local[" + workers + "]");
        Path runDir = out != null ? out : Path.of("runs", "d" + algorithm.id() + "-" + Envs.fileName(env) + "-" + seed);
        List<SparkRollouts.Timing> timings;
        List<String> executors;
        int retried;
        long globalStep;
        double seconds;
        // The learner first: its config is checked (and the worker count) before Spark starts or a file is written.
        try (DistributedRun learner = DistributedRun.create(algorithm, env, file, steps, envs, seed)) {
            int nEnvs = learner.setup().nEnvs();
            if (nEnvs % workers != 0) {
                throw new IllegalArgumentException("--workers " + workers + " must divide n_envs " + nEnvs + " ("
                        + learner.configSource() + (envs == null ? "" : ", --envs") + ")");
            }
            try (JavaSparkContext sc = new JavaSparkContext(SparkRollouts.conf(SparkTrials.conf(m, "actuate dtrain")));
                 RunDir run = RunDir.open(runDir, false);
                 SparkRollouts rollouts = new SparkRollouts(sc, learner.setup(), env, seed, workers)) {
                learner.distributeRollouts(rollouts);
                long t0 = System.nanoTime();
                learner.train(run, new ProgressBar(learner.totalSteps(), 0, quiet));
                seconds = (System.nanoTime() - t0) / 1e9;
                globalStep = learner.globalStep();
                timings = rollouts.timings();
                executors = rollouts.locations();
                retried = rollouts.retriedTasks();
                StringBuilder csv = new StringBuilder("iteration,rollout_s,slowest_worker_s,slowest_worker_env_s,"
                        + "overhead_s,broadcast_s,request_bytes,result_bytes\n");
                for (SparkRollouts.Timing t : timings) {
                    csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%d,%d%n", t.iteration() + 1,
                            t.rolloutSeconds(), t.slowestWorkerSeconds(), t.slowestWorkerEnvSeconds(),
                            t.overheadSeconds(), t.broadcastSeconds(), t.requestBytes(), t.resultBytes()));
                }
                AtomicFiles.writeString(run.dir().resolve(TIMINGS), csv.toString());
            }
        }
        double overheadMs = median(timings.stream().mapToDouble(t -> t.overheadSeconds() * 1e3).toArray());
        double rolloutMs = median(timings.stream().mapToDouble(t -> t.rolloutSeconds() * 1e3).toArray());
        double workerMs = median(timings.stream().mapToDouble(t -> t.slowestWorkerSeconds() * 1e3).toArray());
        if (!quiet) {
            System.err.printf(Locale.ROOT, "actuate dtrain: %s, %d steps in %.1f s (%.0f steps/s) on %s with %d workers; "
                    + "per iteration (median) rollout %.1f ms, slowest worker %.1f ms, overhead %.1f ms; model in %s%n",
                    algorithm.id(), globalStep, seconds, globalStep / seconds, m, workers, rolloutMs, workerMs, overheadMs,
                    runDir.resolve(RunDir.MODEL));
        }
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("algo", algorithm.id()).put("steps", globalStep).put("seconds", seconds)
                    .put("steps_per_sec", globalStep / seconds).put("workers", workers).put("master", m).put("iterations", timings.size())
                    .put("rollout_ms_median", rolloutMs).put("slowest_worker_ms_median", workerMs)
                    .put("overhead_ms_median", overheadMs);
            o.put("retried_tasks", retried);
            executors.forEach(o.putArray("partition_executors")::add);
            System.out.println(o);
        }
        return 0;
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
