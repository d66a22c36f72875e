package dev.actuate.cli;

import dev.actuate.algo.Algorithm;
import dev.actuate.algo.Trainer;
import dev.actuate.algo.UpdateCost;
import dev.actuate.nn.Backends;
import dev.actuate.sim.Envs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code actuate bench train}: steady-state env-steps/s of full training (rollouts and updates). */
@Command(name = "train", mixinStandardHelpOptions = true, description = {
        "Benchmark training throughput: env steps per second of full training (rollout plus update)",
        "with the env's config and its networks (--net overrides), after a warm-up."})
public final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--algo", required = true, description = "Algorithm: ppo, trpo, a2c, sac, td3 or ddpg")
    String algo;

    @Option(names = "--env", required = true, description = "Env id")
    String env;

    @Option(names = "--envs", description = "Parallel envs (default: the config's n_envs)")
    Integer envs;

    @Option(names = "--config", description = "Config YAML (default configs/<algo>/<env>.yaml)")
    Path config;

    @Option(names = "--seconds", defaultValue = "30", description = "Measuring time after warm-up (default ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--net", split = ",", paramLabel = "H1,H2", description = "Hidden widths overriding the "
            + "config's networks, e.g. 256,256 (default: the config's)")
    java.util.List<Integer> net;

    @Option(names = "--learner-threads", paramLabel = "T", description = "SAC/TD3/DDPG learner threads, 1 or 2 "
            + "(default: 2 on a machine with 2 or more cores)")
    Integer learnerThreads;

    @Option(names = "--json", description = "Print one JSON object as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Algorithm algorithm = Algorithm.parse(algo);
        Envs.spec(env);
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
        }
        Path cfg = config != null ? config : DefaultConfigs.find(algorithm.id(), Envs.fileName(env));
        if (net != null && (net.isEmpty() || net.stream().anyMatch(h -> h == null || h <= 0))) {
            throw new IllegalArgumentException("--net must list positive hidden widths, e.g. 256,256; got " + net);
        }
        if (learnerThreads != null && (learnerThreads < 1 || learnerThreads > 2)) {
            throw new IllegalArgumentException("--learner-threads must be 1 or 2, got " + learnerThreads);
        }
        Trainer.BenchResult r = algorithm.trainer().bench(new Trainer.BenchRequest(env, cfg, envs, seed, seconds, net,
                learnerThreads));
        Backends.Info info = Backends.describe();
        if (json) {
            System.out.println(String.format(Locale.ROOT,
                    "{\"steps_per_sec\": %.1f, \"algo\": \"%s\", \"env\": \"%s\", \"envs\": %d, \"steps\": %d,"
                            + " \"seconds\": %.2f, \"hidden_sizes\": %s, \"batch_size\": %d, \"learner_threads\": %d,"
                            + " \"backend\": \"%s\", \"blas_threads\": %d, \"cores\": %d%s}",
                    r.stepsPerSec(), r.algorithm(), r.envId(), r.envs(), r.steps(), r.seconds(),
                    r.hiddenSizes().toString().replace(" ", ""), r.batchSize(), r.learnerThreads(), info.backend(),
                    info.blasThreads(), Runtime.getRuntime().availableProcessors(), cpuFields(r) + updateFields(r)));
        } else {
            System.out.println(String.format(Locale.ROOT, "%s %s, %d envs, nets %s: %.0f env-steps/s (%d steps in %.1f s)",
                    r.algorithm(), r.envId(), r.envs(), r.hiddenSizes(), r.stepsPerSec(), r.steps(), r.seconds()));
        }
        return 0;
    }

    /**
     * On-policy update cost, medians over the timed iterations: PPO's update and epoch; TRPO's update split into
     * the policy step (gradient, conjugate gradient on Fisher-vector products, line search) and the critic, and set
     * against one PPO epoch on the same rollout.
     */
    private static String updateFields(Trainer.BenchResult r) {
        Trainer.UpdateBench u = r.update();
        if (u == null) {
            return "";
        }
        UpdateCost c = u.median();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, ", \"update_iterations\": %d, \"update_ms\": %.2f",
                u.iterations(), c.updateMs()));
        if (c.epochs() > 0) {
            sb.append(String.format(Locale.ROOT, ", \"epochs\": %d, \"epoch_ms\": %.3f", c.epochs(),
                    c.updateMs() / c.epochs()));
        }
        if (!Double.isNaN(c.policyMs())) {
            sb.append(String.format(Locale.ROOT, ", \"policy_update_ms\": %.2f, \"critic_ms\": %.2f,"
                            + " \"policy_batch\": %d, \"cg_iterations\": %d, \"fvp_calls\": %d, \"fvp_ms\": %.2f,"
                            + " \"line_search_ms\": %.2f, \"line_search_trials\": %d", c.policyMs(), c.criticMs(),
                    c.policyBatch(), c.cgIterations(), c.fvpCalls(), c.fvpMs(), c.lineSearchMs(),
                    c.lineSearchTrials()));
        }
        if (!Double.isNaN(u.ppoEpochMs())) {
            sb.append(String.format(Locale.ROOT, ", \"ppo_epoch_ms\": %.3f, \"update_per_ppo_epoch\": %.2f,"
                            + " \"policy_update_per_ppo_epoch\": %.2f", u.ppoEpochMs(), c.updateMs() / u.ppoEpochMs(),
                    c.policyMs() / u.ppoEpochMs()));
        }
        return sb.toString();
    }

    /** CPU ms per env step (whole process, and the training thread alone) when the trainer measured them. */
    private static String cpuFields(Trainer.BenchResult r) {
        if (Double.isNaN(r.processCpuSeconds()) || r.steps() <= 0) {
            return "";
        }
        return String.format(Locale.ROOT, ", \"process_cpu_ms_per_step\": %.3f, \"thread_cpu_ms_per_step\": %.3f",
                1e3 * r.processCpuSeconds() / r.steps(), 1e3 * r.threadCpuSeconds() / r.steps());
    }
}
