package dev.actuate.cli;

import dev.actuate.algo.Algorithm;
import dev.actuate.algo.Trainer;
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
        "with the env's config, measured over whole iterations after one warm-up iteration."})
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

    @Option(names = "--json", description = "Print one JSON object as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Algorithm algorithm = Algorithm.parse(algo);
        Envs.spec(env);
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
        }
        Path cfg = config != null ? config : DefaultConfigs.find(algorithm.id(), env);
        Trainer.BenchResult r = algorithm.trainer().bench(env, cfg, envs, seed, seconds);
        Backends.Info info = Backends.describe();
        if (json) {
            System.out.println(String.format(Locale.ROOT,
                    "{\"steps_per_sec\": %.1f, \"algo\": \"%s\", \"env\": \"%s\", \"envs\": %d, \"steps\": %d,"
                            + " \"seconds\": %.2f, \"backend\": \"%s\", \"blas_threads\": %d, \"cores\": %d%s}",
                    r.stepsPerSec(), r.algorithm(), r.envId(), r.envs(), r.steps(), r.seconds(), info.backend(),
                    info.blasThreads(), Runtime.getRuntime().availableProcessors(), cpuFields(r)));
        } else {
            System.out.println(String.format(Locale.ROOT, "%s %s, %d envs: %.0f env-steps/s (%d steps in %.1f s)",
                    r.algorithm(), r.envId(), r.envs(), r.stepsPerSec(), r.steps(), r.seconds()));
        }
        return 0;
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
