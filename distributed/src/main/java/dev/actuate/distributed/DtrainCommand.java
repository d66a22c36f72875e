package dev.actuate.distributed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.algo.Ppo;
import dev.actuate.algo.PpoConfig;
import dev.actuate.cli.DefaultConfigs;
import dev.actuate.io.AtomicFiles;
import dev.actuate.sim.Envs;
import dev.actuate.train.ConfigYaml;
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
 * {@code actuate dtrain}: PPO whose rollouts run as Spark tasks ({@link SparkRollouts}) while this JVM, the
 * driver, owns the learner. Writes a normal run directory plus {@code rollouts.csv}, each iteration's cost of
 * distribution.
 */
@Command(name = "dtrain", mixinStandardHelpOptions = true, description = {
        "Train PPO with its rollouts on Spark: W workers (tasks) each step n_envs/W",
        "of the envs, kept alive across iterations, with the broadcast policy; this",
        "process runs the update. Without norm_obs the run is bit-identical to",
        "`actuate train` with the same config, seed and envs."})
public final class DtrainCommand implements Callable<Integer> {
    static final String TIMINGS = "rollouts.csv";

    @Option(names = "--algo", defaultValue = "ppo", description = "Algorithm: ppo (the only one with distributed rollouts)")
    String algo;

    @Option(names = "--env", required = true, description = "Env id, e.g. BipedalWalker-v3")
    String env;

    @Option(names = "--config", description = "Config YAML (default configs/ppo/<env>.yaml, else built-in defaults)")
    Path config;

    @Option(names = "--steps", description = "Total env steps (overrides n_timesteps; rounded up to whole rollouts)")
    Long steps;

    @Option(names = "--seed", defaultValue = "0", description = "The run's one seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--envs", description = "Parallel envs in all (overrides the config's n_envs)")
    Integer envs;

    @Option(names = "--workers", required = true, description = "Rollout workers (Spark tasks); must divide n_envs")
    int workers;

    @Option(names = "--master", description = "Spark master URL (default local[W], embedded)")
    String master;

    @Option(names = "--out", description = "Run directory (default runs/dppo-<env>-<seed>)")
    Path out;

    @Option(names = "--quiet", description = "No progress output")
    boolean quiet;

    @Option(names = "--json", description = "Print {\"steps\",\"seconds\",\"steps_per_sec\",\"overhead_ms_median\",...} as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!"ppo".equals(algo)) {
            throw new IllegalArgumentException("--algo " + algo + ": distributed rollouts are built for ppo only");
        }
        Envs.spec(env);
        if (steps != null && steps <= 0) {
            throw new IllegalArgumentException("--steps must be positive, got " + steps);
        }
        if (envs != null && envs <= 0) {
            throw new IllegalArgumentException("--envs must be positive, got " + envs);
        }
        Path file = config != null ? config : DefaultConfigs.find("ppo", Envs.fileName(env));
        PpoConfig cfg = file == null ? PpoConfig.defaults() : ConfigYaml.load(file, PpoConfig.defaults());
        cfg = steps == null ? cfg : cfg.withTimesteps(steps);
        cfg = envs == null ? cfg : cfg.withEnvs(envs);
        String source = file == null ? "the built-in defaults" : file.toString();
        if (cfg.useSde()) {
            throw new IllegalArgumentException(source + ": use_sde: distributed rollouts do not support gSDE; set "
                    + "use_sde: false");
        }
        if (workers < 1 || cfg.nEnvs() % workers != 0) {
            throw new IllegalArgumentException("--workers " + workers + " must be at least 1 and divide n_envs "
                    + cfg.nEnvs() + " (" + source + (envs == null ? "" : ", --envs") + ")");
        }
        String m = master != null ? master : "local[" + workers + "]";
        Path runDir = out != null ? out : Path.of("runs", "dppo-" + Envs.fileName(env) + "-" + seed);
        long total = cfg.iterations() * cfg.rolloutSize();
        List<SparkRollouts.Timing> timings;
        long globalStep;
        double seconds;
        try (JavaSparkContext sc = new JavaSparkContext(SparkTrials.conf(m, "actuate dtrain"));
             RunDir run = RunDir.open(runDir, false);
             Ppo ppo = new Ppo(cfg, env, seed);
             SparkRollouts rollouts = new SparkRollouts(sc, cfg, env, seed, workers)) {
            ppo.distributeRollouts(rollouts);
            long t0 = System.nanoTime();
            ppo.train(run, new ProgressBar(total, 0, quiet), p -> true);
            seconds = (System.nanoTime() - t0) / 1e9;
            globalStep = ppo.globalStep();
            timings = rollouts.timings();
            StringBuilder csv = new StringBuilder("iteration,rollout_s,slowest_worker_s,slowest_worker_env_s,overhead_s,broadcast_s,"
                    + "request_bytes,result_bytes\n");
            for (SparkRollouts.Timing t : timings) {
                csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%d,%d%n", t.iteration() + 1,
                        t.rolloutSeconds(), t.slowestWorkerSeconds(), t.slowestWorkerEnvSeconds(), t.overheadSeconds(), t.broadcastSeconds(),
                        t.requestBytes(), t.resultBytes()));
            }
            AtomicFiles.writeString(run.dir().resolve(TIMINGS), csv.toString());
        }
        double overheadMs = median(timings.stream().mapToDouble(t -> t.overheadSeconds() * 1e3).toArray());
        double rolloutMs = median(timings.stream().mapToDouble(t -> t.rolloutSeconds() * 1e3).toArray());
        double workerMs = median(timings.stream().mapToDouble(t -> t.slowestWorkerSeconds() * 1e3).toArray());
        if (!quiet) {
            System.err.printf(Locale.ROOT, "actuate dtrain: %d steps in %.1f s (%.0f steps/s) on %s with %d workers; "
                    + "per iteration (median) rollout %.1f ms, slowest worker %.1f ms, overhead %.1f ms; model in %s%n",
                    globalStep, seconds, globalStep / seconds, m, workers, rolloutMs, workerMs, overheadMs,
                    runDir.resolve(RunDir.MODEL));
        }
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("steps", globalStep).put("seconds", seconds).put("steps_per_sec", globalStep / seconds)
                    .put("workers", workers).put("master", m).put("iterations", timings.size())
                    .put("rollout_ms_median", rolloutMs).put("slowest_worker_ms_median", workerMs)
                    .put("overhead_ms_median", overheadMs);
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
